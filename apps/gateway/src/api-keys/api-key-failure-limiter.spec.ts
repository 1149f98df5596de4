import { describe, expect, it, vi } from 'vitest';
import { catchGatewayError } from '../common/errors/__fixtures__/catch-gateway-error.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { ApiKeyFailureLimiter } from './api-key-failure-limiter.js';

describe(ApiKeyFailureLimiter.name, () => {
  const setup = (limit: number) => {
    const clock = { now: 1_000_000 };
    const metrics = { limitRejected: vi.fn() };
    return { sut: new ApiKeyFailureLimiter(limit, metrics, () => clock.now), clock, metrics };
  };

  it('admits `limit` lookups per network and minute, then a 429 with Retry-After; other networks count apart', () => {
    const { sut, clock, metrics } = setup(3);
    for (let lookup = 0; lookup < 3; lookup += 1) sut.admit({ network: '198.51.100.7' });
    clock.now += 20_000;
    const refused = catchGatewayError(() => sut.admit({ network: '198.51.100.7' }));
    expect(refused.status).toBe(429);
    expect(refused.code).toBe('rate_limit_exceeded');
    expect(refused.headers).toEqual({ 'retry-after': '40' });
    expect(metrics.limitRejected).toHaveBeenCalledWith('api_key_failures');
    expect(() => sut.admit({ network: '198.51.100.8' })).not.toThrow();
    clock.now += 40_000;
    expect(() => sut.admit({ network: '198.51.100.7' })).not.toThrow();
  });

  it('a refund (the key was valid) frees its place, and only in the window it was taken from', () => {
    const { sut, clock } = setup(2);
    const first = sut.admit({ network: '203.0.113.1' });
    sut.admit({ network: '203.0.113.1' });
    first();
    expect(() => sut.admit({ network: '203.0.113.1' })).not.toThrow();
    expect(() => sut.admit({ network: '203.0.113.1' })).toThrow(GatewayError);

    const late = sut.admit({ network: '203.0.113.2' });
    clock.now += 60_000;
    sut.admit({ network: '203.0.113.2' });
    sut.admit({ network: '203.0.113.2' });
    late();
    expect(() => sut.admit({ network: '203.0.113.2' })).toThrow(GatewayError);
  });

  it('0 means no limit', () => {
    const { sut } = setup(0);
    for (let lookup = 0; lookup < 1_000; lookup += 1) sut.admit({ network: '192.0.2.1' })();
    expect(() => sut.admit({ network: '192.0.2.1' })).not.toThrow();
  });

  it('counts an IPv6 /48 as well: its /64s together get sixteen networks’ lookups', () => {
    const { sut } = setup(2);
    const site = '2001:db8:5::/48';
    const refunds: Array<() => void> = [];
    for (let lookup = 0; lookup < 32; lookup += 1) refunds.push(sut.admit({ network: `2001:db8:5:${Math.floor(lookup / 2)}::/64`, site }));

    expect(() => sut.admit({ network: '2001:db8:5:ff::/64', site })).toThrow(GatewayError);
    expect(() => sut.admit({ network: '2001:db8:6:ff::/64', site: '2001:db8:6::/48' })).not.toThrow();
    refunds[0]!();
    expect(() => sut.admit({ network: '2001:db8:5:ff::/64', site })).not.toThrow();
  });

  it('stores nothing for a lookup its /48 refuses, so a spray of fresh /64s cannot push other networks out', () => {
    const { sut } = setup(1);
    const site = '2001:db8:7::/48';
    for (let lookup = 0; lookup < 16; lookup += 1) sut.admit({ network: `2001:db8:7:${lookup}::/64`, site });
    const counted = (sut as unknown as { networks: { size: number } }).networks.size;
    for (let lookup = 16; lookup < 1_000; lookup += 1) expect(() => sut.admit({ network: `2001:db8:7:${lookup}::/64`, site })).toThrow(/per minute from your IPv6 \/48/);

    expect((sut as unknown as { networks: { size: number } }).networks.size).toBe(counted);
  });
});
