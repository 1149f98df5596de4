import type { AppConfig } from './app-config.js';

/**
 * TRUST_PROXY (§12) as Fastify's `trustProxy` option, in the form the Nest adapter's options type
 * takes: a hop count becomes the function Fastify itself makes of a number (trust the `count`
 * nearest hops). `request.ip` then is the client IP every log line and limit uses.
 */
export function fastifyTrustProxy(trustProxy: AppConfig['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  return typeof trustProxy === 'boolean' ? trustProxy : [...trustProxy];
}
