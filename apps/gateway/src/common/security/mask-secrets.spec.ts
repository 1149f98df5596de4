import { describe, expect, it } from 'vitest';
import { maskSecrets } from './mask-secrets.js';

describe(maskSecrets.name, () => {
  it('masks provider keys an upstream echoes back, keeping the last 4 characters', () => {
    const sut = maskSecrets('Incorrect API key provided: sk-proj-abcdef123456wxyz. You can find your API key at …');
    expect(sut).toBe('Incorrect API key provided: ****wxyz. You can find your API key at …');
  });

  it('masks Anthropic, Google and UniRoute keys, bearer tokens and key= query strings', () => {
    const text = 'a sk-ant-api03-SECRETSECRET1234 b AIzaSyA-SECRETSECRET9876 c ur_SECRETSECRET5555 d Bearer abcdefghijklmnop e https://x/y?alt=sse&key=SECRETQUERY';
    const sut = maskSecrets(text);
    expect(sut).not.toMatch(/SECRET/);
    expect(sut).toContain('Bearer ****');
    expect(sut).toContain('&key=****');
  });

  it('masks exact secrets of any shape wherever they appear, before the patterns', () => {
    const canary = 'canary-7f3a9c2e-deployment-token';
    const sut = maskSecrets(`Invalid key '${canary}' (also ${canary}); short key abc123 rejected`, [canary, 'abc123', '']);
    expect(sut).toBe("Invalid key '****oken' (also ****oken); short key **** rejected");
  });

  it('masks invitation tokens, as in the register page URL', () => {
    expect(maskSecrets('/register?invitation=inv_SECRETSECRETSECRET7777')).toBe('/register?invitation=****7777');
    // Team invitations (§9): `tinv_…` in the link the SPA opens and in the accept route.
    expect(maskSecrets('/settings/teams?invitation=tinv_SECRETSECRETSECRET7777')).toBe('/settings/teams?invitation=****7777');
    expect(maskSecrets('POST /admin/invitations/tinv_SECRETSECRETSECRET8888/accept')).toBe('POST /admin/invitations/****8888/accept');
  });

  it('leaves ordinary text alone', () => {
    expect(maskSecrets('model not found: gpt-5-turbo')).toBe('model not found: gpt-5-turbo');
  });
});
