import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { fastifyTrustProxy } from './trust-proxy.js';

/** What `request.ip` is for a request from `remoteAddress` carrying `forwardedFor`, under `trustProxy`. */
async function clientIp(trustProxy: boolean | number | string[], remoteAddress: string, forwardedFor: string): Promise<string> {
  const app = Fastify({ trustProxy: fastifyTrustProxy(trustProxy) });
  app.get('/', (request) => ({ ip: request.ip }));
  try {
    const response = await app.inject({ method: 'GET', url: '/', remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });
    return (response.json() as { ip: string }).ip;
  } finally {
    await app.close();
  }
}

describe(fastifyTrustProxy.name, () => {
  it.each([
    // [TRUST_PROXY, the peer, X-Forwarded-For, the client IP]
    [false, '10.0.0.5', '203.0.113.9', '10.0.0.5'],
    [true, '10.0.0.5', '198.51.100.1, 203.0.113.9', '198.51.100.1'],
    [1, '10.0.0.5', '198.51.100.1, 203.0.113.9', '203.0.113.9'],
    [2, '10.0.0.5', '198.51.100.1, 203.0.113.9', '198.51.100.1'],
    [['10.0.0.0/8'], '10.0.0.5', '198.51.100.1, 203.0.113.9', '203.0.113.9'],
    [['10.0.0.0/8', '203.0.113.0/24'], '10.0.0.5', '198.51.100.1, 203.0.113.9', '198.51.100.1'],
    // A peer outside the trusted ranges is the client, whatever it claims.
    [['10.0.0.0/8'], '192.0.2.50', '203.0.113.9', '192.0.2.50'],
    [['loopback'], '127.0.0.1', '203.0.113.9', '203.0.113.9'],
  ] as const)('TRUST_PROXY=%j, peer %s, X-Forwarded-For %s → %s', async (trustProxy, remoteAddress, forwardedFor, expected) => {
    expect(await clientIp(typeof trustProxy === 'object' ? [...trustProxy] : trustProxy, remoteAddress, forwardedFor)).toBe(expected);
  });
});
