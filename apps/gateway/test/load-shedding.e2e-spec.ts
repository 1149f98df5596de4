import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayWithStandIns, userWithApiKey, type Harness } from './support/gateway-with-stand-ins.js';
import { DATABASE_KIND } from './support/test-app.js';

/**
 * Load shedding (§12): a process whose event loop runs far behind refuses new gateway requests with a 503 and
 * `Retry-After` instead of queueing them, and keeps its settings page, management API, metrics and probes.
 * The "overload" here is this test process's own event loop kept busy in 150 ms slices: the gateway runs in it.
 */
const LIMIT_MS = 50;

function busyFor(milliseconds: number): void {
  const until = Date.now() + milliseconds;
  while (Date.now() < until) {
    // a synchronous slice: every timer, socket and request of the process waits
  }
}

/** Keeps the event loop about 150 ms late on average until stopped (requests still get through between slices). */
function overload(): () => void {
  const timer = setInterval(() => busyFor(150), 1);
  return () => clearInterval(timer);
}

describe(`load shedding (${DATABASE_KIND})`, () => {
  let harness: Harness;
  let caller: Awaited<ReturnType<typeof userWithApiKey>>;

  beforeAll(async () => {
    harness = await startGatewayWithStandIns({ env: { SHED_EVENT_LOOP_DELAY_MS: String(LIMIT_MS) } });
    caller = await userWithApiKey(harness);
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });

  const chat = () =>
    harness.client.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, caller.apiKey);

  it('refuses gateway requests with a retryable 503 while the event loop is behind, and serves them again after', async () => {
    expect((await chat()).status).toBe(200);

    const stop = overload();
    let shed: Awaited<ReturnType<typeof chat>>;
    let upstreamBefore: number;
    try {
      await delay(2_500); // two samples of the average delay
      upstreamBefore = harness.standIns.requests.length;
      shed = await chat();
      // What is not gateway traffic still answers: the probes, the management API, the metrics.
      expect((await harness.client.get('/healthz')).status).toBe(200);
      expect((await harness.client.get('/readyz')).status).toBe(200);
      expect((await harness.client.get('/admin/api-keys', caller.token)).status).toBe(200);
    } finally {
      stop();
    }
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('2');
    expect(shed.headers.get('x-request-id')).toBeTruthy();
    expect(shed.body).toEqual({ error: { message: expect.stringContaining('overloaded'), type: expect.any(String), code: 'service_unavailable', param: null } });
    // Refused before anything was done for it: the provider never saw it.
    expect(harness.standIns.requests.length).toBe(upstreamBefore);

    const metrics = (await harness.client.get('/metrics')).text;
    expect(metrics).toMatch(/^uniroute_limit_rejections_total\{reason="overloaded"\} [1-9]/m);
    expect(harness.app.logs().some((line) => line.includes('shedding new gateway requests'))).toBe(true);

    // Within a couple of samples of the loop catching up, requests are served again.
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      await delay(250);
      status = (await chat()).status;
    }
    expect(status).toBe(200);
  }, 30_000);
});
