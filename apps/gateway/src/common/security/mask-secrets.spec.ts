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

  it('masks each kind of credential alone in a text, whatever the case of the header or query name', () => {
    // One per pattern, each the only secret in its text: the quick test that skips secret-free text must let every one through.
    const samples = ['sk-SECRET123', 'rk-SECRET123', 'pk-SECRET123', 'AIzaSECRETSECRET12', 'ur_SECRET123', 'tinv_SECRET123', 'inv_SECRET123', 'eyJSECRET.eyJSECRET.SECRET', 'BEARER SECRETSECRET', 'https://x/y?KEY=SECRET'];
    for (const sample of samples) expect(maskSecrets(`before ${sample} after`), sample).not.toMatch(/SECRET/);
  });

  it('leaves text with nothing credential-like exactly as it was', () => {
    const text = 'request completed /v1/chat/completions?alt=sse monkey=1 skip-this disk_2';
    expect(maskSecrets(text)).toBe(text);
  });
});
