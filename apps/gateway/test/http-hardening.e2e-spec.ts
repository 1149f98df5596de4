import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrainState } from '../src/health/drain-state.js';
import { httpClient } from './support/http.js';
import { DATABASE_KIND, startTestApp, type TestApp } from './support/test-app.js';

const ALLOWED_ORIGIN = 'https://console.example.com';

describe(`security headers, CORS, body limit and request ids (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;
  let webDist: string;

  beforeAll(async () => {
    webDist = mkdtempSync(path.join(os.tmpdir(), 'uniroute-web-'));
    writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><div id="app"></div><script type="module" src="/assets/app.js"></script>');
    app = await startTestApp({
      env: {
        WEB_DIST_DIR: webDist,
        BODY_LIMIT_BYTES: '2048',
        CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://other.example.com`,
        // A server key whose upstream refuses connections: GET /v1/models logs why, mid-request.
        OPENAI_API_KEY: 'sk-server-key-for-the-hardening-test',
        OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      },
    });
    client = httpClient(app.url);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(webDist, { recursive: true, force: true });
  });

  it('sends helmet security headers with a CSP the SPA and the docs UI work under', async () => {
    for (const url of ['/settings/provider-keys', '/docs', '/healthz', '/auth/me']) {
      const response = await fetch(`${app.url}${url}`);
      await response.arrayBuffer();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("script-src 'self'");
      expect(csp, url).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp, url).toContain("img-src 'self' data:");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).not.toContain('upgrade-insecure-requests');
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(response.headers.get('x-frame-options'), url).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy'), url).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security'), url).toMatch(/max-age=\d+/);
    }
    // SDK-facing APIs get the lean set: nosniff and no caching, no page policies.
    for (const url of ['/v1/models', '/anthropic/v1/models', '/google/v1beta/models']) {
      const response = await fetch(`${app.url}${url}`);
      await response.arrayBuffer();
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(response.headers.get('cache-control'), url).toBe('no-store');
      expect(response.headers.get('content-security-policy'), url).toBeNull();
    }
    const spa = await client.get('/settings/provider-keys');
    expect(spa.status).toBe(200);
    expect(spa.text).toContain('<div id="app">');
  });

  it('answers CORS only for the configured origins', async () => {
    const preflight = await fetch(`${app.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const allowed = await fetch(`${app.url}/healthz`, { headers: { origin: ALLOWED_ORIGIN } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-uniroute-provider');
    const refused = await fetch(`${app.url}/healthz`, { headers: { origin: 'https://evil.example.net' } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an oversized body with a clear 413 in OpenAI\'s error shape', async () => {
    const big = { email: 'someone@example.com', password: 'x'.repeat(4096) };
    // Gateway routes check the API key before the body (§12): a valid key gets as far as the limit.
    const user = await client.post('/auth/register', { email: `big-${Date.now()}@example.com`, password: 'correct horse battery staple' });
    const key = await client.post('/admin/api-keys', { name: 'big' }, user.body.accessToken);
    for (const [url, token] of [['/auth/login', undefined], ['/v1/chat/completions', key.body.key]] as const) {
      const response = await client.post(url, big, token);
      expect(response.status, url).toBe(413);
      expect(response.body, url).toEqual({ error: { message: 'Request body too large.', type: 'invalid_request_error', code: 'payload_too_large', param: null } });
    }
  });

  it('puts the request id on every log line written while handling the request', async () => {
    const user = await client.post('/auth/register', { email: `ids-${Date.now()}@example.com`, password: 'correct horse battery staple' });
    const key = await client.post('/admin/api-keys', { name: 'ids' }, user.body.accessToken);
    const response = await client.get('/v1/models', key.body.key, { 'x-request-id': 'trace-abc-123' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    const lines = app.logs().map((line) => JSON.parse(line) as { reqId?: string; msg: string });
    const midRequest = lines.find((line) => line.msg.startsWith('models: provider not reachable'));
    expect(midRequest?.reqId).toBe('trace-abc-123');
    expect(lines.find((line) => line.msg === 'request completed' && line.reqId === 'trace-abc-123')).toBeDefined();
    expect(lines.find((line) => line.msg === 'UniRoute gateway listening')?.reqId).toBeUndefined();
  });
});

describe(`defaults: no CORS_ORIGINS, then draining after SIGTERM (${DATABASE_KIND})`, () => {
  let app: TestApp;
  let client: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    app = await startTestApp();
    client = httpClient(app.url);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sends no CORS headers without CORS_ORIGINS: same-origin only', async () => {
    const response = await fetch(`${app.url}/healthz`, { headers: { origin: 'https://console.example.com' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  // Last: it leaves the app draining.
  it('answers 503 on /readyz and on new requests over kept-alive connections while draining; /healthz stays up', async () => {
    expect((await client.get('/readyz')).status).toBe(200);
    app.app.get(DrainState).startDraining();
    const ready = await client.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.error.code).toBe('service_unavailable');
    expect((await client.get('/healthz')).status).toBe(200);
    const refused = await client.post('/auth/login', { email: 'someone@example.com', password: 'correct horse battery staple' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.body).toEqual({ error: { message: 'The gateway is shutting down: retry the request.', type: 'api_error', code: 'service_unavailable', param: null } });
  });
});
