import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFailureOf } from './key-failure-marker.js';
import { startStandIns, type StandIns } from './stand-ins.js';

describe(keyFailureOf.name, () => {
  it('reads the marker and the optional retry delay, and nothing from ordinary keys', () => {
    expect(keyFailureOf('sk-stand-in-fail-401-abcd')).toEqual({ status: 401, retryAfterSeconds: 1 });
    expect(keyFailureOf('sk-ant-stand-in-fail-429-retry-30-abcd')).toEqual({ status: 429, retryAfterSeconds: 30 });
    expect(keyFailureOf('sk-stand-in-openai-demo-key-oa01')).toBeNull();
    expect(keyFailureOf('sk-stand-in-fail-500-abcd')).toBeNull();
  });
});

describe('keys that fail on demand', () => {
  let standIns: StandIns;
  beforeAll(async () => {
    standIns = await startStandIns({ port: 0 });
  });
  afterAll(() => standIns.close());

  const openai = (key: string) =>
    fetch(`${standIns.baseUrls.openai}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
  const anthropic = (key: string) =>
    fetch(`${standIns.baseUrls.anthropic}/v1/models`, { headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' } });
  const gemini = (key: string) => fetch(`${standIns.baseUrls.google}/v1beta/models`, { headers: { 'x-goog-api-key': key } });

  it('OpenAI: 401 invalid_api_key, 429 insufficient_quota for 402, 429 with Retry-After', async () => {
    const rejected = await openai('sk-stand-in-fail-401-oa99');
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    const broke = await openai('sk-stand-in-fail-402-oa99');
    expect(broke.status).toBe(429);
    expect(await broke.json()).toMatchObject({ error: { type: 'insufficient_quota', code: 'insufficient_quota' } });
    const limited = await openai('sk-stand-in-fail-429-retry-7-oa99');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await openai('sk-stand-in-fail-403-oa99')).status).toBe(403);
  });

  it('Anthropic: 402 billing_error, 403 permission_error, 429 with Retry-After', async () => {
    const broke = await anthropic('sk-ant-stand-in-fail-402-an99');
    expect(broke.status).toBe(402);
    expect(await broke.json()).toMatchObject({ type: 'error', error: { type: 'billing_error' } });
    expect(await (await anthropic('sk-ant-stand-in-fail-403-an99')).json()).toMatchObject({ error: { type: 'permission_error' } });
    expect((await anthropic('sk-ant-stand-in-fail-429-retry-3-an99')).headers.get('retry-after')).toBe('3');
  });

  it('Gemini: 400 API_KEY_INVALID for 401, 402, 429 with the delay in RetryInfo', async () => {
    const rejected = await gemini('AIza-stand-in-fail-401-gg99');
    expect(rejected.status).toBe(400);
    expect(JSON.stringify(await rejected.json())).toContain('API_KEY_INVALID');
    expect((await gemini('AIza-stand-in-fail-402-gg99')).status).toBe(402);
    const limited = await gemini('AIza-stand-in-fail-429-retry-9-gg99');
    expect(limited.status).toBe(429);
    expect(JSON.stringify(await limited.json())).toContain('"retryDelay":"9s"');
  });
});
