import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayWithStandIns, userWithApiKey, USER_KEYS, type Harness } from './support/gateway-with-stand-ins.js';
import { httpClient } from './support/http.js';
import { DATABASE_KIND, startTestApp } from './support/test-app.js';

/** The value of one sample line, e.g. `metric{a="b"}`, in a Prometheus text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe(`GET /metrics (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let user: Awaited<ReturnType<typeof userWithApiKey>>;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ standIns: { chunkDelayMs: 0 } });
    user = await userWithApiKey(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('counts requests by provider, model, key source and status, with latency histograms, streams and cache lookups', async () => {
    await user.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await harness.client.post('/admin/provider-keys', { provider: 'anthropic', apiKey: USER_KEYS.anthropic }, user.token);
    const stream = await user.openai.chat.completions.create({ model: 'anthropic/claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _chunk of stream) void _chunk;
    harness.standIns.inject({ provider: 'google', status: 429 });
    await expect(user.openai.chat.completions.create({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 429 });
    await expect(user.openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 400 });

    const response = await harness.client.get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = response.text;
    expect(sample(text, 'uniroute_requests_total{provider="openai",model="gpt-4o-mini",key_source="server",status="200"}')).toBe(1);
    expect(sample(text, 'uniroute_requests_total{provider="anthropic",model="claude-3-5-haiku-latest",key_source="user",status="200"}')).toBe(1);
    // A failed request with a model never seen succeeding does not get a label of its own.
    expect(sample(text, 'uniroute_requests_total{provider="google",model="other",key_source="server",status="429"}')).toBe(1);
    expect(sample(text, 'uniroute_requests_total{provider="none",model="none",key_source="none",status="400"}')).toBe(1);
    expect(sample(text, 'uniroute_request_duration_seconds_count{provider="openai",stream="false"}')).toBe(1);
    expect(sample(text, 'uniroute_request_duration_seconds_count{provider="anthropic",stream="true"}')).toBe(1);
    expect(sample(text, 'uniroute_upstream_duration_seconds_count{provider="google"}')).toBe(1);
    expect(sample(text, 'uniroute_streams_total')).toBe(1);
    expect(sample(text, 'uniroute_streams_active')).toBe(0);
    // Four gateway requests with one key: the first misses the API-key cache, the rest hit.
    expect(sample(text, 'uniroute_cache_lookups_total{cache="api_key",result="miss"}')).toBe(1);
    expect(sample(text, 'uniroute_cache_lookups_total{cache="api_key",result="hit"}')).toBe(3);
    expect(sample(text, 'uniroute_cache_lookups_total{cache="provider_credential",result="miss"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});

describe(`GET /metrics with METRICS_TOKEN (${DATABASE_KIND})`, () => {
  it('answers only with the bearer token', async () => {
    const app = await startTestApp({ env: { METRICS_TOKEN: 'metrics-token-for-the-test-0123' } });
    try {
      const client = httpClient(app.url);
      const refused = await client.get('/metrics');
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('unauthenticated');
      expect((await client.get('/metrics', 'wrong-token-0123456789')).status).toBe(401);
      const allowed = await client.get('/metrics', 'metrics-token-for-the-test-0123');
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain('# TYPE uniroute_requests_total counter');
    } finally {
      await app.close();
    }
  });
});
