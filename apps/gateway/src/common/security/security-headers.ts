import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The Content-Security-Policy the settings SPA and the swagger UI at /docs both work under: their
 * scripts are same-origin files (no inline script), swagger-ui needs inline styles and data: images.
 */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'frame-ancestors': ["'none'"],
      'upgrade-insecure-requests': null, // operators may serve plain HTTP on a private network
    },
  },
};

/**
 * helmet's response headers for `options`, computed once. They do not vary per request (no CSP
 * nonces), so the request path only copies them: @fastify/helmet builds a new helmet middleware
 * for every request, which measured ~40 µs a request, more than the rest of a gateway hop.
 */
export function securityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, () => undefined);
  return Object.freeze(headers);
}

/**
 * What the machine-to-machine APIs (`/v1`, `/anthropic`, `/google`) send instead: their JSON and
 * event streams are read by SDKs, never rendered by a browser, so CSP, frame and opener policies
 * have nothing to protect there. `nosniff` still stops a browser from treating a body as a page, and
 * `no-store` keeps answers out of shared caches. Writing helmet's dozen headers on every gateway
 * response cost ~13 µs a request (measured with the bench's stub route), a tenth of a hop.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
});

/** Path prefixes of the machine-to-machine APIs. */
export const MACHINE_API_PREFIXES: readonly string[] = ['/v1/', '/anthropic/', '/google/'];

/** Whether a request path is one of the gateway (machine-to-machine) APIs rather than a page or the management API. */
export function isMachineApiPath(url: string): boolean {
  for (const prefix of MACHINE_API_PREFIXES) if (url.startsWith(prefix)) return true;
  return false;
}

/** The security headers for a request path: the API set for the gateway routes, helmet's for the rest. */
export function securityHeadersFor(url: string, pageHeaders: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return isMachineApiPath(url) ? API_SECURITY_HEADERS : pageHeaders;
}
