import { Inject, Injectable } from '@nestjs/common';
import type { ChatCompletionCreateParams, ProviderId } from '@uniroute/shared';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { SecretMasker } from '../common/security/secret-masker.js';
import { writeStreamError } from '../common/errors/write-stream-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CLIENT_CLOSED_REQUEST, MetricsService, type ChatCompletionOutcome } from '../metrics/metrics.service.js';
import type { HealthVerdict } from '../provider-keys/key-health.js';
import { ProviderKeysService } from '../provider-keys/provider-keys.service.js';
import { TrafficKeyJudge } from '../provider-keys/traffic-key-judge.js';
import type { ProviderAdapter, UpstreamContext } from '../providers/provider-adapter.js';
import { ThoughtSignatureStore } from '../providers/google/thought-signature-store.js';
import { PROVIDER_ADAPTERS } from '../providers/provider-registry.js';
import { readUpstreamBody } from '../providers/read-upstream-body.js';
import { resolveModel } from '../providers/resolve-model.js';
import { ClientDisconnect } from '../providers/client-disconnect.js';
import { ClientAbortedError, UpstreamClient, type UpstreamResponse } from '../providers/upstream-client.js';
import { upstreamHeader } from '../providers/upstream-header.js';
import { parseChatRequest } from './chat-request.schema.js';
import { CredentialResolver, credentialHeaders, type ResolvedCredential } from './credential-resolver.js';
import { gatewayRequestOptions } from './gateway-request-options.js';
import { DONE_EVENT, SSE_HEADERS, startStream, toSseEvents, writeWithBackpressure } from './sse.js';
import { InjectedUsageChunkFilter, StreamUsageScanner, emptyUsage, mergeUsageFrom, usageFromJsonBytes } from '../usage/token-usage.js';
import { usageErrorType } from '../usage/usage-outcome.js';
import { UsageRecorder } from '../usage/usage-recorder.js';

/** One chat completion on its way through the gateway. */
interface Exchange {
  readonly principal: Principal;
  readonly provider: ProviderId;
  readonly adapter: ProviderAdapter;
  readonly request: ChatCompletionCreateParams;
  readonly context: UpstreamContext;
  readonly credential: ResolvedCredential;
  readonly reply: FastifyReply;
  readonly abort: ClientDisconnect;
  readonly outcome: ChatCompletionOutcome;
}

/**
 * `POST /v1/chat/completions` (§5): validate → route the model → resolve the caller's credential →
 * translate → send through the pooled client → relay the answer (as bytes for OpenAI, translated
 * for the others) chunk by chunk. A client that goes away aborts the upstream request.
 */
@Injectable()
export class RouterService {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly credentials: CredentialResolver,
    private readonly providerKeys: ProviderKeysService,
    private readonly keyJudge: TrafficKeyJudge,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsService,
    private readonly masker: SecretMasker,
    private readonly thoughtSignatures: ThoughtSignatureStore,
    private readonly usage: UsageRecorder,
  ) {}

  /** Counted once in `/metrics` whatever happens: status, duration, provider, model, key source. */
  async chatCompletion(principal: Principal, body: unknown, reply: FastifyReply): Promise<void> {
    const outcome = this.metrics.chatCompletionStarted();
    try {
      await this.route(principal, body, reply, outcome);
    } catch (error) {
      outcome.status = error instanceof GatewayError ? error.status : 500;
      outcome.errorType = usageErrorType(error);
      throw error;
    } finally {
      this.metrics.recordChatCompletion(outcome);
      this.usage.recordOutcome(principal, 'chat', outcome);
    }
  }

  private async route(principal: Principal, body: unknown, reply: FastifyReply, outcome: ChatCompletionOutcome): Promise<void> {
    const parsed = parseChatRequest(body);
    const { provider, model } = resolveModel(parsed.model);
    outcome.provider = provider;
    outcome.model = model;
    outcome.stream = parsed.stream === true;
    const options = gatewayRequestOptions(reply.request.headers, this.config);
    let credential = await this.credentials.resolve(principal, provider, reply.request.id, { ...options, response: reply.raw });

    const abort = new ClientDisconnect(reply.raw);
    try {
      for (let attempt = 1; ; attempt += 1) {
        outcome.keySource = credential.keySource;
        outcome.keyId = credential.keyId;
        void reply
          .header('x-uniroute-provider', provider)
          .headers(credentialHeaders(credential));
        const exchange: Exchange = {
          principal,
          provider,
          adapter: PROVIDER_ADAPTERS[provider],
          request: { ...parsed, model },
          context: {
            apiKey: credential.apiKey,
            keySource: credential.keySource,
            baseUrl: this.config.providers[provider].baseUrl,
            // Only Gemini has signatures to remember; scoped to the caller so no one reads or plants another's.
            ...(provider === 'google' ? { thoughtSignatures: this.thoughtSignatures.forCaller(principal.userId) } : {}),
          },
          credential,
          reply,
          abort,
          outcome,
        };
        const sentAt = performance.now();
        const response = await this.upstream.send(provider, exchange.adapter.toUpstreamRequest(upstreamChatRequest(exchange), exchange.context), abort);
        this.metrics.upstreamResponded(provider, sentAt);
        if (response.statusCode >= 400) {
          const { error, verdict } = await this.upstreamError(exchange, response);
          // §8: the provider refused the stored key before a byte went out (JSON or stream): one retry on what the policy allows.
          if (verdict && attempt === 1) {
            const fallback = await this.credentials.fallbackAfterRejection(principal, provider, credential, reply.request.id, options);
            if (fallback) {
              credential = fallback;
              continue;
            }
          }
          throw error;
        }
        if (credential.storedKey) this.providerKeys.reportTraffic(principal.userId, provider, credential.storedKey, 'ok', reply.request.id);
        await this.credentials.reportUpstreamStatus(credential, response.statusCode);
        if (exchange.request.stream) await this.relayStream(exchange, response);
        else await this.relayJson(exchange, response);
        return;
      }
    } catch (error) {
      if (error instanceof ClientAbortedError || abort.aborted) {
        outcome.status = CLIENT_CLOSED_REQUEST;
        if (!reply.raw.destroyed) reply.raw.destroy();
        return;
      }
      const transportError = this.upstream.toTransportError(provider, error, abort);
      throw transportError instanceof GatewayError ? this.masker.maskError(transportError, credential.apiKey) : transportError;
    } finally {
      abort.dispose();
    }
  }

  /** An error about the upstream, with the credential used and the server keys masked in its message and cause. */
  private masked(error: Error, exchange: Exchange): Error {
    return error instanceof GatewayError ? this.masker.maskError(error, exchange.context.apiKey) : error;
  }

  private async relayJson(exchange: Exchange, response: UpstreamResponse): Promise<void> {
    const { reply, adapter } = exchange;
    if (adapter.passthrough) {
      // Same wire format: hand the bytes on, no parse and no re-serialisation.
      const received = Buffer.from(await response.body.arrayBuffer());
      exchange.outcome.tokens = usageFromJsonBytes(received);
      const bytes = this.masker.maskBytes(received, exchange.context.apiKey);
      await reply.status(200).header('content-type', 'application/json').send(bytes);
      return;
    }
    const upstreamBody: unknown = await response.body.json();
    // The provider's own usage object (Anthropic's cache reads and writes, Gemini's thinking tokens), not the translation's.
    exchange.outcome.tokens = emptyUsage();
    mergeUsageFrom(exchange.outcome.tokens, upstreamBody);
    const completion = adapter.fromUpstreamResponse(upstreamBody, exchange.request, exchange.context);
    // Translated, the answer is still the upstream's words (§12): a model or proxy echoing the key is masked here too.
    const text = this.masker.maskText(JSON.stringify(completion), exchange.context.apiKey);
    await reply.status(200).header('content-type', 'application/json').send(text);
  }

  private async relayStream(exchange: Exchange, response: UpstreamResponse): Promise<void> {
    const { reply, adapter, provider } = exchange;
    const raw = reply.raw;
    reply.hijack();
    startStream(raw, 200, { ...(reply.getHeaders() as Record<string, string>), ...SSE_HEADERS });
    this.metrics.streamStarted();
    const scanner = new StreamUsageScanner(true);
    exchange.outcome.tokens = scanner.usage;
    try {
      if (adapter.passthrough) {
        const masker = this.masker.streamMasker(exchange.context.apiKey);
        // The gateway asked OpenAI for the usage chunk on the client's behalf: the client does not get it.
        const filter = injectsUsage(exchange) ? new InjectedUsageChunkFilter() : null;
        for await (const chunk of response.body) {
          scanner.feed(chunk as Buffer);
          const relayed = filter ? filter.push(chunk as Buffer) : (chunk as Buffer);
          if (relayed.length === 0) continue;
          exchange.outcome.firstByteAt ??= performance.now();
          await writeWithBackpressure(raw, masker.push(relayed));
        }
        const rest = filter?.flush();
        const held = rest && rest.length > 0 ? Buffer.concat([masker.push(rest), masker.end()]) : masker.end();
        if (held.length > 0) await writeWithBackpressure(raw, held);
      } else {
        await this.translateStream(exchange, response, scanner);
      }
      if (!raw.writableEnded) raw.end();
    } catch (error) {
      if (exchange.abort.aborted) throw new ClientAbortedError('client disconnected', { cause: error });
      response.body.destroy();
      const gatewayError = this.masked(this.upstream.toTransportError(provider, error, exchange.abort), exchange);
      if (gatewayError instanceof GatewayError) {
        if (gatewayError.status >= 500) this.logger.warn({ reqId: reply.request.id, provider, code: gatewayError.code }, 'upstream stream failed mid-way');
        exchange.outcome.status = gatewayError.status;
        exchange.outcome.errorType = gatewayError.code;
        writeStreamError(raw, gatewayError);
      } else {
        raw.destroy();
      }
    } finally {
      scanner.finish();
      this.metrics.streamEnded();
    }
  }

  private async translateStream(exchange: Exchange, response: UpstreamResponse, scanner: StreamUsageScanner): Promise<void> {
    const { adapter, request } = exchange;
    const raw = exchange.reply.raw;
    const state = adapter.createStreamState(request, exchange.context);
    let pending: string[] = [];
    let failure: unknown;
    const parser = createParser({
      onEvent: (event: EventSourceMessage) => {
        if (failure) return;
        try {
          pending.push(...adapter.fromUpstreamEvent({ event: event.event, data: event.data }, state));
        } catch (error) {
          failure = error;
        }
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body) {
      scanner.feed(chunk as Buffer);
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      if (pending.length > 0) {
        const text = this.masker.maskText(toSseEvents(pending), exchange.context.apiKey);
        pending = [];
        exchange.outcome.firstByteAt ??= performance.now();
        await writeWithBackpressure(raw, text);
      }
      if (failure) throw failure;
    }
    parser.feed(decoder.decode());
    if (failure) throw failure;
    pending.push(...adapter.finishStream(state));
    await writeWithBackpressure(raw, this.masker.maskText(toSseEvents(pending), exchange.context.apiKey) + DONE_EVENT);
  }

  /**
   * An upstream error status as the client's error. For a stored key, what it says about the key (401/403,
   * 402/billing, 429) becomes the key's health (§8) and is returned, so the caller can retry once on the fallback.
   */
  private async upstreamError(exchange: Exchange, response: UpstreamResponse): Promise<{ error: GatewayError; verdict: HealthVerdict | null }> {
    const body = await readUpstreamBody(response.body);
    const error = this.masker.maskError(
      exchange.adapter.toGatewayError(response.statusCode, body, {
        keySource: exchange.context.keySource,
        headers: response.headers,
        exactSecrets: this.masker.secretsFor(exchange.context.apiKey),
      }),
      exchange.context.apiKey,
    );
    await this.credentials.reportUpstreamStatus(exchange.credential, error.status);
    const storedKey = exchange.credential.storedKey;
    if (!storedKey) return { error, verdict: null };
    const verdict = await this.keyJudge.judge(exchange.principal.userId, exchange.provider, storedKey, error.status, body, upstreamHeader(response.headers, 'retry-after'), exchange.reply.request.id);
    return { error, verdict };
  }
}

/**
 * OpenAI reports a stream's tokens only when `stream_options.include_usage` is set, so the gateway sets it on a
 * relayed OpenAI stream that did not (and removes the extra chunk from what the client gets). Other providers
 * always report usage.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
function injectsUsage(exchange: Exchange): boolean {
  return exchange.adapter.passthrough && exchange.request.stream === true && exchange.request.stream_options?.include_usage !== true;
}

function upstreamChatRequest(exchange: Exchange): ChatCompletionCreateParams {
  if (!injectsUsage(exchange)) return exchange.request;
  return { ...exchange.request, stream_options: { ...(exchange.request.stream_options ?? {}), include_usage: true } };
}
