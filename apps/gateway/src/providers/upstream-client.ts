import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PROVIDER_LABELS, type ProviderId } from '@uniroute/shared';
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { ClientDisconnect } from './client-disconnect.js';
import type { UpstreamRequest } from './provider-adapter.js';

/** What can cancel an upstream request: a timeout's AbortSignal or the client going away. */
export type UpstreamAbort = AbortSignal | ClientDisconnect;

/** An upstream response whose status and headers have arrived; its body is still a stream. */
export type UpstreamResponse = Dispatcher.ResponseData;

/** Raised when our own client went away: nothing to answer, just stop. */
export class ClientAbortedError extends Error {
  override name = 'ClientAbortedError';
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The one HTTP client for every provider: a pooled keep-alive undici Agent, with the configured
 * timeouts. No connection cap per origin by default: a capped pool is one FIFO queue shared by every
 * user, so one user holding hundreds of hung requests would make everyone else's wait for a socket
 * (issue 11). What one user can hold is bounded by MAX_INFLIGHT_PER_USER instead, and the total by
 * the gateway's own connection limits, since every upstream request has a client request behind it.
 * Transport failures become GatewayErrors here (timeout → 504, unreachable → 502) so the router and
 * the key tester speak the same errors.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.timeoutMs = config.upstream.timeoutMs;
    this.agent = new Agent({
      connections: config.upstream.connections > 0 ? config.upstream.connections : null,
      keepAliveTimeout: 30_000,
      headersTimeout: config.upstream.timeoutMs,
      // Between two body chunks: a stream may run for minutes as long as it keeps talking.
      bodyTimeout: config.upstream.timeoutMs,
      connect: { timeout: config.upstream.connectTimeoutMs },
    });
  }

  /** Sends `request`; resolves once the response head arrived. */
  async send(provider: ProviderId, request: UpstreamRequest, signal?: UpstreamAbort): Promise<UpstreamResponse> {
    const url = new URL(request.url);
    try {
      return await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
      });
    } catch (error) {
      throw this.toTransportError(provider, error, signal);
    }
  }

  /** The transport failure `error` (from `send` or while reading a body) as what the client should see. */
  toTransportError(provider: ProviderId, error: unknown, signal?: UpstreamAbort): Error {
    if (error instanceof GatewayError || error instanceof ClientAbortedError) return error;
    if (signal?.aborted) return new ClientAbortedError('client disconnected', { cause: error });
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    const label = PROVIDER_LABELS[provider];
    if ((code && TIMEOUT_CODES.has(code)) || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
      return new GatewayError('upstream_timeout', `${label} did not answer within ${Math.round(this.timeoutMs / 1000)} s.`, { cause: error });
    }
    return new GatewayError('upstream_unreachable', `Could not reach ${label}${code ? ` (${code})` : ''}.`, { cause: error });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}
