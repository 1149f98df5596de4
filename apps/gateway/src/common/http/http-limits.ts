import type { ServerOptions } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../config/app-config.js';

/** The management API (`/auth/*`, `/admin/*`) takes small JSON documents (§12). */
export const MANAGEMENT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Request headers must be complete within this (§12), or within REQUEST_TIMEOUT_MS if that is shorter. */
export const HEADERS_TIMEOUT_MS = 10_000;

/** The SDK-facing routes: they authenticate with a `ur_` API key and relay bodies to providers. */
const GATEWAY_ROUTE_PREFIXES = ['/v1/', '/anthropic/', '/google/'];
const MANAGEMENT_ROUTE_PREFIXES = ['/auth/', '/admin/'];

/** True for a gateway route (`/v1/*`, `/anthropic/*`, `/google/*`), from a URL or a route pattern. */
export function isGatewayRoute(url: string): boolean {
  return GATEWAY_ROUTE_PREFIXES.some((prefix) => url.startsWith(prefix));
}

function isManagementRoute(url: string): boolean {
  return MANAGEMENT_ROUTE_PREFIXES.some((prefix) => url.startsWith(prefix));
}

/**
 * Node's own guards against slow clients, for `http.createServer`: Node answers 408 and closes a
 * connection whose request (headers + body) is not complete in time. Only the request is timed;
 * once it has arrived, a response may take as long as it needs (long streams). Node checks the
 * deadlines every `connectionsCheckingInterval` (30 s by default, too coarse for a 10 s limit).
 */
export function slowClientServerOptions(config: Pick<AppConfig, 'requestTimeoutMs'>): ServerOptions {
  return {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.requestTimeoutMs),
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(config.requestTimeoutMs / 4))),
  };
}

/**
 * Per-route body limits, set as Fastify registers each route (Nest registers them at listen, after
 * this hook is added): the management API gets 1 MiB, every other route BODY_LIMIT_BYTES.
 */
export function limitManagementBodies(fastify: FastifyInstance, config: Pick<AppConfig, 'bodyLimitBytes'>): void {
  const limit = Math.min(MANAGEMENT_BODY_LIMIT_BYTES, config.bodyLimitBytes);
  fastify.addHook('onRoute', (route) => {
    if (isManagementRoute(route.url ?? route.path)) route.bodyLimit = limit;
  });
}
