import { describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.js';

describe(securityHeaders.name, () => {
  it('computes helmet\'s headers once, with the CSP the SPA and the docs UI need', () => {
    const sut = securityHeaders();
    const csp = sut['content-security-policy']!.split(';');
    expect(csp).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
      ]),
    );
    expect(csp.join(';')).not.toContain('upgrade-insecure-requests');
    expect(sut).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(sut['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(Object.isFrozen(sut)).toBe(true);
  });
});
