import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { SecretMasker } from '../common/security/secret-masker.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { HealthVerdict } from '../provider-keys/key-health.js';
import { ProviderKeysService } from '../provider-keys/provider-keys.service.js';
import { TrafficKeyJudge } from '../provider-keys/traffic-key-judge.js';
import { PROVIDER_ADAPTERS } from '../providers/provider-registry.js';
import { ClientDisconnect } from '../providers/client-disconnect.js';
import { ClientAbortedError, UpstreamClient, type UpstreamResponse } from '../providers/upstream-client.js';
import { upstreamHeader } from '../providers/upstream-header.js';
import { CredentialResolver, credentialHeaders, type ResolvedCredential } from '../router/credential-resolver.js';
import { gatewayRequestOptions } from '../router/gateway-request-options.js';
import { startStream, writeWithBackpressure } from '../router/sse.js';
import { forwardedQuery, type NativeApi } from './native-api.js';
import { rawBodyOf } from './raw-body.js';
import { MetricsService, CLIENT_CLOSED_REQUEST, NOT_ROUTED, type ChatCompletionOutcome } from '../metrics/metrics.service.js';
import { StreamUsageScanner, modelFromJsonBytes, usageFromJsonBytes } from '../usage/token-usage.js';
import { usageErrorType } from '../usage/usage-outcome.js';
import { UsageRecorder } from '../usage/usage-recorder.js';

/** One native call as a controller describes it. */
export interface NativeCall {
  readonly api: NativeApi;
  readonly method: 'GET' | 'POST';
  /** The upstream path under the provider's base URL, e.g. `/v1/messages`; the caller's query is added (minus `key=`). */
  readonly path: string;
  /** The URL asks for a stream (Gemini `:streamGenerateContent`); an event-stream answer is relayed as one anyway. */
  readonly stream?: boolean;
  /**
   * A generation whose tokens the usage log counts (§10); token counting and model lists are logged without tokens.
   * `model`: the model the URL names (Gemini); Anthropic's is read from its answer.
   */
  readonly metered?: { readonly model?: string };
}

/** Upstream error bodies are small; a runaway one is cut here rather than held whole in memory. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** Stops proxies in front of the gateway from holding stream chunks back. */
const STREAM_HEADERS = { 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' } as const;

/**
 * Relays a native provider call (Anthropic Messages, Gemini generateContent) with no translation: the
 * body goes up as the client sent it and the answer comes back byte for byte, a stream chunk by chunk
 * as it arrives. Only the credential changes: the caller's UniRoute key stays here and the key the
 * caller is entitled to (their own, else the server's) goes up, resolved exactly as for
 * `/v1/chat/completions`. A client that goes away aborts the upstream request.
 */
@Injectable()
export class NativeRelayService {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly credentials: CredentialResolver,
    private readonly providerKeys: ProviderKeysService,
    private readonly keyJudge: TrafficKeyJudge,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly masker: SecretMasker,
    private readonly metrics: MetricsService,
    private readonly usage: UsageRecorder,
  ) {}

  /** One native call, logged once in the usage log whatever happens (§10). */
  async relay(principal: Principal, call: NativeCall, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The metrics of native calls are Fastify's; the outcome here is only what the usage log needs.
    const outcome = this.metrics.chatCompletionStarted();
    outcome.provider = call.api.provider;
    outcome.model = call.metered?.model ?? outcome.model;
    outcome.stream = call.stream === true;
    try {
      await this.relayCall(principal, call, request, reply, outcome);
    } catch (error) {
      outcome.status = error instanceof GatewayError ? error.status : 500;
      outcome.errorType = usageErrorType(error);
      throw error;
    } finally {
      this.usage.recordOutcome(principal, 'native', outcome);
    }
  }

  private async relayCall(principal: Principal, call: NativeCall, request: FastifyRequest, reply: FastifyReply, outcome: ChatCompletionOutcome): Promise<void> {
    const { api } = call;
    const provider = api.provider;
    const options = gatewayRequestOptions(request.headers, this.config);
    let credential = await this.credentials.resolve(principal, provider, request.id, { ...options, response: reply.raw });

    const body = call.method === 'POST' ? rawBodyOf(request) : undefined;
    const baseUrl = this.config.providers[provider].baseUrl.replace(/\/+$/, '');
    const abort = new ClientDisconnect(reply.raw);
    try {
      for (let attempt = 1; ; attempt += 1) {
        outcome.keySource = credential.keySource;
        outcome.keyId = credential.keyId;
        void reply.header('x-uniroute-provider', provider).headers(credentialHeaders(credential));
        const response = await this.upstream.send(
          provider,
          {
            method: call.method,
            url: `${baseUrl}${call.path}${forwardedQuery(request.url)}`,
            headers: api.upstreamHeaders(request.headers, credential.apiKey, body !== undefined),
            body,
          },
          abort,
        );
        if (response.statusCode >= 400) {
          const text = await readErrorText(response);
          const { status, code } = PROVIDER_ADAPTERS[provider].toGatewayError(response.statusCode, text, { keySource: credential.keySource });
          await this.credentials.reportUpstreamStatus(credential, status);
          const verdict = await this.judgeStoredKey(principal, api, credential, response, text, request.id);
          // §8: the stored key was refused before anything was relayed: one retry on what the policy allows.
          if (verdict && attempt === 1) {
            const fallback = await this.credentials.fallbackAfterRejection(principal, provider, credential, request.id, options);
            if (fallback) {
              credential = fallback;
              continue;
            }
          }
          outcome.status = response.statusCode;
          outcome.errorType = code;
          await reply.status(response.statusCode).headers(relayedHeaders(api, response)).send(this.masker.mask(text, credential.apiKey));
          return;
        }
        if (credential.storedKey) this.providerKeys.reportTraffic(principal.userId, provider, credential.storedKey, 'ok', request.id);
        await this.credentials.reportUpstreamStatus(credential, response.statusCode);
        if (call.stream === true || isEventStream(response)) {
          outcome.stream = true;
          await this.relayStream(api, credential, response, reply, abort, call.metered ? outcome : null);
        } else await this.relayBody(api, credential, response, reply, call.metered ? outcome : null);
        return;
      }
    } catch (error) {
      if (error instanceof ClientAbortedError || abort.aborted) {
        outcome.status = CLIENT_CLOSED_REQUEST;
        if (!reply.raw.destroyed) reply.raw.destroy();
        return;
      }
      throw this.upstream.toTransportError(provider, error, abort);
    } finally {
      abort.dispose();
    }
  }

  /** A JSON answer: the upstream bytes as they are, with the provider's headers the SDK reads. */
  private async relayBody(api: NativeApi, credential: ResolvedCredential, response: UpstreamResponse, reply: FastifyReply, metered: ChatCompletionOutcome | null): Promise<void> {
    const received = Buffer.from(await response.body.arrayBuffer());
    if (metered) {
      metered.tokens = usageFromJsonBytes(received);
      if (metered.model === NOT_ROUTED) metered.model = modelFromJsonBytes(received) ?? metered.model;
    }
    const bytes = this.masker.maskBytes(received, credential.apiKey);
    await reply.status(response.statusCode).headers(relayedHeaders(api, response)).send(bytes);
  }

  /** An event stream (or Gemini's streamed JSON array): each upstream chunk is written on as it arrives. */
  private async relayStream(
    api: NativeApi,
    credential: ResolvedCredential,
    response: UpstreamResponse,
    reply: FastifyReply,
    signal: ClientDisconnect,
    metered: ChatCompletionOutcome | null,
  ): Promise<void> {
    const raw = reply.raw;
    // Gemini without `alt=sse` streams one JSON array, not events.
    const scanner = metered ? new StreamUsageScanner(isEventStream(response)) : null;
    if (metered && scanner) metered.tokens = scanner.usage;
    reply.hijack();
    startStream(raw, response.statusCode, { ...(reply.getHeaders() as Record<string, string>), ...relayedHeaders(api, response), ...STREAM_HEADERS });
    try {
      await this.relayChunks(response, raw, credential, scanner, metered);
      if (!raw.writableEnded) raw.end();
    } catch (error) {
      if (signal.aborted) throw new ClientAbortedError('client disconnected', { cause: error });
      response.body.destroy();
      const gatewayError = this.upstream.toTransportError(api.provider, error, signal);
      if (!(gatewayError instanceof GatewayError) || !isEventStream(response)) {
        raw.destroy();
        return;
      }
      // The status is sent: the failure travels as the provider's own error event, which its SDK raises.
      this.logger.warn({ reqId: reply.request.id, provider: api.provider, code: gatewayError.code }, 'native upstream stream failed mid-way');
      if (metered) {
        metered.status = gatewayError.status;
        metered.errorType = gatewayError.code;
      }
      if (!raw.writableEnded && !raw.destroyed) raw.end(api.streamErrorEvent(gatewayError));
    }
  }

  private async relayChunks(
    response: UpstreamResponse,
    raw: FastifyReply['raw'],
    credential: ResolvedCredential,
    scanner: StreamUsageScanner | null,
    metered: ChatCompletionOutcome | null,
  ): Promise<void> {
    const masker = this.masker.streamMasker(credential.apiKey);
    try {
      for await (const chunk of response.body) {
        scanner?.feed(chunk as Buffer);
        if (metered) metered.firstByteAt ??= performance.now();
        await writeWithBackpressure(raw, masker.push(chunk as Buffer));
      }
      const held = masker.end();
      if (held.length > 0) await writeWithBackpressure(raw, held);
    } finally {
      if (scanner && metered) {
        scanner.finish();
        if (metered.model === NOT_ROUTED && scanner.model !== null) metered.model = scanner.model;
      }
    }
  }

  /**
   * An upstream error keeps its status and native body (the SDKs parse their provider's error shape), with
   * anything key-like masked. What it says about a stored key becomes the key's health (§8), by the same
   * rule as `/v1/chat/completions` (the adapter's reading of the status, e.g. Gemini's 400 `API_KEY_INVALID`).
   */
  private async judgeStoredKey(principal: Principal, api: NativeApi, credential: ResolvedCredential, response: UpstreamResponse, text: string, requestId: string): Promise<HealthVerdict | null> {
    if (!credential.storedKey) return null;
    const { status } = PROVIDER_ADAPTERS[api.provider].toGatewayError(response.statusCode, text, { keySource: credential.keySource });
    return this.keyJudge.judge(principal.userId, api.provider, credential.storedKey, status, text, upstreamHeader(response.headers, 'retry-after'), requestId);
  }
}

function isEventStream(response: UpstreamResponse): boolean {
  const contentType = response.headers['content-type'];
  return typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/event-stream');
}

/** `content-type` and the provider headers its SDK reads; hop-by-hop headers, lengths and cookies stay behind. */
function relayedHeaders(api: NativeApi, response: UpstreamResponse): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(response.headers)) {
    if (typeof value !== 'string') continue;
    if (name === 'content-type' || api.relaysResponseHeader(name)) headers[name] = value;
  }
  return headers;
}

async function readErrorText(response: UpstreamResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_ERROR_BODY_BYTES) {
      response.body.destroy();
      break;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
