import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import { gatewayRequestOptions } from './gateway-request-options.js';

const allowed = { allowRequestKeys: true };
const canary = 'sk-canary-request-key-0123456789';

describe(gatewayRequestOptions.name, () => {
  it('reads nothing from a plain request', () => {
    expect(gatewayRequestOptions({}, allowed)).toEqual({ byokRequired: false });
  });

  it('reads x-uniroute-byok: required, in any case, and refuses any other value', () => {
    expect(gatewayRequestOptions({ 'x-uniroute-byok': 'Required' }, allowed).byokRequired).toBe(true);
    expect(() => gatewayRequestOptions({ 'x-uniroute-byok': 'optional' }, allowed)).toThrow(GatewayError);
    expect(() => gatewayRequestOptions({ 'x-uniroute-byok': ['required', 'required'] }, allowed)).toThrow(GatewayError);
  });

  it('takes a per-request key, trimmed', () => {
    expect(gatewayRequestOptions({ 'x-uniroute-provider-key': ` ${canary} ` }, allowed).requestKey).toBe(canary);
  });

  it('refuses a per-request key under ALLOW_REQUEST_KEYS=false, and a malformed one, without echoing it', () => {
    const cases: [IncomingHttpHeaders, { allowRequestKeys: boolean }][] = [
      [{ 'x-uniroute-provider-key': canary }, { allowRequestKeys: false }],
      [{ 'x-uniroute-provider-key': `${canary} two` }, allowed],
      [{ 'x-uniroute-provider-key': 'short' }, allowed],
      [{ 'x-uniroute-provider-key': [canary, canary] }, allowed],
    ];
    for (const [headers, config] of cases) {
      let caught: unknown;
      try {
        gatewayRequestOptions(headers, config);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      expect((caught as GatewayError).status).toBe(400);
      expect((caught as GatewayError).message).not.toContain(canary);
    }
  });
});
