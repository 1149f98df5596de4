import { describe, expect, it } from 'vitest';
import { clientNetwork, clientNetworks } from './client-network.js';

describe(clientNetwork.name, () => {
  it('keeps an IPv4 address, also when it arrives IPv4-mapped', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one client', () => {
    expect(clientNetwork('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:db8:1:3::1')).not.toBe(clientNetwork('2001:db8:1:2::1'));
  });

  it('leaves what is not an address alone', () => {
    expect(clientNetwork('unknown')).toBe('unknown');
  });

  it('turns text longer than any address into a digest of fixed length (rate-limit buckets are varchar(200))', () => {
    const forged = clientNetwork('x'.repeat(300));
    expect(forged).toMatch(/^digest:[0-9a-f]{32}$/);
    expect(clientNetwork('x'.repeat(300))).toBe(forged);
    expect(clientNetwork('y'.repeat(300))).not.toBe(forged);
  });

  it('names the IPv6 /48 too, the same for all of its /64s; none for IPv4 or what is not an address', () => {
    expect(clientNetworks('2001:db8:1:2::1')).toEqual({ network: '2001:db8:1:2::/64', site: '2001:db8:1::/48' });
    expect(clientNetworks('2001:db8:1:ffff::9').site).toBe('2001:db8:1::/48');
    expect(clientNetworks('2001:db8:2:2::1').site).not.toBe('2001:db8:1::/48');
    expect(clientNetworks('203.0.113.7')).toEqual({ network: '203.0.113.7' });
    expect(clientNetworks('::ffff:203.0.113.7')).toEqual({ network: '203.0.113.7' });
    expect(clientNetworks('unknown')).toEqual({ network: 'unknown' });
  });
});
