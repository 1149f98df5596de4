import { Inject, Injectable } from '@nestjs/common';
import type { ProviderId } from '@uniroute/shared';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { SecretMasker } from '../common/security/secret-masker.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CLIENT_CLOSED_REQUEST, MetricsService, type EndpointOutcome, type GatewayEndpoint } from '../metrics/metrics.service.js';
import { ProviderKeysService } from '../provider-keys/provider-keys.service.js';
import { TrafficKeyJudge } from '../provider-keys/traffic-key-judge.js';
import { ClientDisconnect } from '../providers/client-disconnect.js';
import type { UpstreamContext, UpstreamRequest } from '../providers/provider-adapter.js';
import { PROVIDER_ADAPTERS } from '../providers/provider-registry.js';
import { readUpstreamBody } from '../providers/read-upstream-body.js';
import { ClientAbortedError, UpstreamClient, type UpstreamResponse } from '../providers/upstream-client.js';
import { upstreamHeader } from '../providers/upstream-header.js';
import { unreadableUpstreamError } from '../providers/upstream-error.js';
import { CredentialResolver, credentialHeaders, type ResolvedCredential } from './credential-resolver.js';
import { gatewayRequestOptions } from './gateway-request-options.js';
import { SSE_HEADERS, startStream, writeWithBackpressure } from './sse.js';
import { StreamUsageScanner, usageFromJsonBytes } from '../usage/token-usage.js';
import { usageErrorType } from '../usage/usage-outcome.js';
import { UsageRecorder } from '../usage/usage-recorder.js';

/** One request to `/v1/embeddings` or `/v1/responses` on its way through the gateway. */
export interface RelayExchange {
  readonly principal: Principal;
  readonly reply: FastifyReply;
  /** Aborts every upstream call of the exchange when the client goes away. */
  readonly abort: ClientDisconnect;
  /** Filled in as the route learns provider, model and key; counted once in `/metrics`. */
  readonly outcome: EndpointOutcome;
}

/** The provider, and the credential chosen for this caller, of an exchange. */
export interface RoutedExchange extends RelayExchange {
  readonly provider: ProviderId;
  readonly context: UpstreamContext;
  /** Whose key it is: a stored key's health learns from what the provider answers (§8). */
  readonly credential: ResolvedCredential;
}

/**
 * An error UniRoute raises after an upstream event stream began, as one event of that stream;
 * `eventsRelayed` is how many events went out before it (the Responses API numbers its events).
 */
export type StreamErrorEvent = (error: GatewayError, eventsRelayed: number) => string;

const DOUBLE_NEWLINE = Buffer.from('\n\n');

/**
 * What `/v1/embeddings` and `/v1/responses` share with `/v1/chat/completions` (§5, §11): the one credential
 * resolution, the `x-uniroute-*` headers, upstream errors in OpenAI's shape with the upstream status (a
 * rejected user key flagged for the settings page), answers relayed as bytes, streams chunk by chunk with
 * backpressure, the upstream aborted when the client goes away, and one `/metrics` count per request.
 */
@Injectable()
export class UpstreamRelayService {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly credentials: CredentialResolver,
    private readonly providerKeys: ProviderKeysService,
    private readonly keyJudge: TrafficKeyJudge,
    private readonly metrics: MetricsService,
    private readonly masker: SecretMasker,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly usage: UsageRecorder,
  ) {}

  /**
   * Runs `handler` as one exchange: counted once whatever happens; a client that went away ends it quietly
   * (499 in `/metrics`), any other error reaches the global filter.
   */
  async run(endpoint: GatewayEndpoint, principal: Principal, reply: FastifyReply, handler: (exchange: RelayExchange) => Promise<void>): Promise<void> {
    const outcome = this.metrics.endpointStarted(endpoint);
    const abort = new ClientDisconnect(reply.raw);
    try {
      await handler({ principal, reply, abort, outcome });
    } catch (error) {
      if (error instanceof ClientAbortedError || abort.aborted) {
        outcome.status = CLIENT_CLOSED_REQUEST;
        if (!reply.raw.destroyed) reply.raw.destroy();
        return;
      }
      outcome.status = error instanceof GatewayError ? error.status : 500;
      outcome.errorType = usageErrorType(error);
      throw error;
    } finally {
      abort.dispose();
      this.metrics.recordEndpoint(outcome);
      this.usage.recordOutcome(principal, endpoint, outcome);
    }
  }

  /** Resolves the caller's credential for `provider` exactly as chat does, and says so in the response headers. */
  async route(exchange: RelayExchange, provider: ProviderId, model: string | undefined): Promise<RoutedExchange> {
    exchange.outcome.provider = provider;
    if (model !== undefined) exchange.outcome.model = model;
    // The same request options as chat (§8): `x-uniroute-byok: required`, a per-request key.
    const options = gatewayRequestOptions(exchange.reply.request.headers, this.config);
    const credential = await this.credentials.resolve(exchange.principal, provider, exchange.reply.request.id, { ...options, response: exchange.reply.raw });
    exchange.outcome.keySource = credential.keySource;
    exchange.outcome.keyId = credential.keyId;
    void exchange.reply.header('x-uniroute-provider', provider).headers(credentialHeaders(credential));
    return {
      ...exchange,
      provider,
      credential,
      context: { apiKey: credential.apiKey, keySource: credential.keySource, baseUrl: this.config.providers[provider].baseUrl },
    };
  }

  /** One more upstream call on the same credential (a request split into several): rationed when it is the server key. */
  async rationServerKey(exchange: RoutedExchange): Promise<void> {
    await this.credentials.rationServerKey(exchange.principal.userId, exchange.provider, exchange.credential);
  }

  /** Sends `request` upstream; an error status becomes the client's `GatewayError` (thrown), as for chat. */
  async send(exchange: RoutedExchange, request: UpstreamRequest): Promise<UpstreamResponse> {
    const sentAt = performance.now();
    const response = await this.upstream.send(exchange.provider, request, exchange.abort);
    this.metrics.upstreamResponded(exchange.provider, sentAt);
    if (response.statusCode >= 400) throw await this.upstreamError(exchange, response);
    const { storedKey } = exchange.credential;
    if (storedKey) this.providerKeys.reportTraffic(exchange.principal.userId, exchange.provider, storedKey, 'ok', exchange.reply.request.id);
    await this.credentials.reportUpstreamStatus(exchange.credential, response.statusCode);
    return response;
  }

  /** A successful body as parsed JSON (for answers the gateway translates). */
  async readJson(exchange: RoutedExchange, response: UpstreamResponse): Promise<unknown> {
    try {
      return await response.body.json();
    } catch (error) {
      if (error instanceof SyntaxError) throw unreadableUpstreamError(exchange.provider, 'a response', error);
      throw this.upstream.toTransportError(exchange.provider, error, exchange.abort);
    }
  }

  /**
   * The upstream answer as it is: JSON bytes, or an event stream relayed chunk by chunk. `metersTokens` false: the
   * answer's `usage` was billed before (a stored response read again) and is not counted a second time.
   */
  async relay(exchange: RoutedExchange, response: UpstreamResponse, streamErrorEvent: StreamErrorEvent, metersTokens = true): Promise<void> {
    if (isEventStream(response)) {
      await this.relayStream(exchange, response, streamErrorEvent, metersTokens);
      return;
    }
    let bytes: Buffer;
    try {
      bytes = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      throw this.upstream.toTransportError(exchange.provider, error, exchange.abort);
    }
    if (metersTokens) exchange.outcome.tokens = usageFromJsonBytes(bytes);
    await exchange.reply.status(200).header('content-type', 'application/json').send(this.masker.maskBytes(bytes, exchange.context.apiKey));
  }

  private async relayStream(exchange: RoutedExchange, response: UpstreamResponse, streamErrorEvent: StreamErrorEvent, metersTokens: boolean): Promise<void> {
    const { reply, outcome } = exchange;
    const raw = reply.raw;
    outcome.stream = true;
    reply.hijack();
    startStream(raw, 200, { ...(reply.getHeaders() as Record<string, string>), ...SSE_HEADERS });
    this.metrics.streamStarted();
    let events = 0;
    let endedWithNewline = false;
    const masker = this.masker.streamMasker(exchange.context.apiKey);
    const scanner = metersTokens ? new StreamUsageScanner(true) : null;
    if (scanner) outcome.tokens = scanner.usage;
    try {
      for await (const chunk of response.body) {
        const bytes = chunk as Buffer;
        scanner?.feed(bytes);
        outcome.firstByteAt ??= performance.now();
        events += countEventEnds(bytes, endedWithNewline);
        endedWithNewline = bytes.length > 0 && bytes[bytes.length - 1] === 0x0a;
        await writeWithBackpressure(raw, masker.push(bytes));
      }
      const held = masker.end();
      if (held.length > 0) await writeWithBackpressure(raw, held);
      if (!raw.writableEnded) raw.end();
    } catch (error) {
      if (exchange.abort.aborted) throw new ClientAbortedError('client disconnected', { cause: error });
      response.body.destroy();
      const failure = this.upstream.toTransportError(exchange.provider, error, exchange.abort);
      if (!(failure instanceof GatewayError)) {
        raw.destroy();
        return;
      }
      this.logger.warn({ reqId: reply.request.id, provider: exchange.provider, endpoint: outcome.endpoint, code: failure.code }, 'upstream stream failed mid-way');
      outcome.status = failure.status;
      outcome.errorType = failure.code;
      if (!raw.writableEnded && !raw.destroyed) raw.end(streamErrorEvent(failure, events));
    } finally {
      scanner?.finish();
      this.metrics.streamEnded();
    }
  }

  private async upstreamError(exchange: RoutedExchange, response: UpstreamResponse): Promise<GatewayError> {
    const body = await readUpstreamBody(response.body);
    const { keySource, apiKey } = exchange.context;
    const error = this.masker.maskError(PROVIDER_ADAPTERS[exchange.provider].toGatewayError(response.statusCode, body, { keySource, headers: response.headers, exactSecrets: this.masker.secretsFor(apiKey) }), apiKey);
    await this.credentials.reportUpstreamStatus(exchange.credential, error.status);
    const { storedKey } = exchange.credential;
    if (storedKey) {
      await this.keyJudge.judge(exchange.principal.userId, exchange.provider, storedKey, error.status, body, upstreamHeader(response.headers, 'retry-after'), exchange.reply.request.id);
    }
    return error;
  }
}

function isEventStream(response: UpstreamResponse): boolean {
  const contentType = response.headers['content-type'];
  return typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/event-stream');
}

/** How many SSE events end in `bytes` (a blank line, `\n\n`), including one split across the previous chunk. */
function countEventEnds(bytes: Buffer, previousEndedWithNewline: boolean): number {
  let count = previousEndedWithNewline && bytes[0] === 0x0a ? 1 : 0;
  for (let at = bytes.indexOf(DOUBLE_NEWLINE); at !== -1; at = bytes.indexOf(DOUBLE_NEWLINE, at + 2)) count += 1;
  return count;
}
