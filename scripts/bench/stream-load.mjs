// Many long, slow streams at once — what real LLM traffic mostly is — and what they cost the process serving them.
import http from 'node:http';
import { percentile, processUsage, sleep } from './support.mjs';

/** A chat request whose stand-in answer ("Echo: …") is long enough to be cut into `tokens` stream events. */
export function slowStreamBody(tokens, model = 'gpt-4o-mini') {
  const words = Array.from({ length: tokens }, (_, index) => `w${index % 10}`).join(' ');
  return JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: words }] });
}

/** " (ECONNRESET ×3, timeout ×1)" — why streams failed, so a count in the table can be read. */
export function describeFailures(reasons) {
  const parts = Object.entries(reasons ?? {}).map(([reason, count]) => `${reason} ×${count}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** Retries per stream, as the official SDKs (`openai`, `@anthropic-ai/sdk`) make by default; `SDK_RETRIES=0`: none. */
export const SDK_RETRIES = Number(process.env.SDK_RETRIES ?? 2);

/** "0", or "12 (status 503 ×10, ECONNRESET ×2)": the first attempts that an SDK would have retried. */
export function describeRetries(reasons) {
  const total = Object.values(reasons ?? {}).reduce((sum, count) => sum + count, 0);
  return `${total}${describeFailures(reasons)}`;
}

/**
 * Opens `count` streams to `request` ({url, headers, body}) at once (spread over `rampMs`), reads each to its end,
 * retrying refusals as the SDKs do (`retries`), and samples the serving process (`pid`) every second: RSS, CPU and, when `metricsUrl` is given, the event-loop delay
 * p99 its `/metrics` reports. Resolves when every stream ended or failed.
 */
export async function runStreams({ request, count, rampMs = 2_000, pid, metricsUrl, timeoutMs, retries = SDK_RETRIES }) {
  const retriedReasons = {};
  const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const samples = [];
  const loopDelays = [];
  let open = 0;
  let peakOpen = 0;
  const startUsage = processUsage(pid);
  const started = Date.now();
  const sampler = setInterval(() => {
    samples.push({ at: Date.now() - started, open, ...processUsage(pid) });
    if (metricsUrl) void scrapeLoopDelay(metricsUrl).then((value) => Number.isFinite(value) && loopDelays.push(value));
  }, 1_000);
  // One attempt: resolves with what happened and, for a refusal the official SDKs retry, how long they would wait.
  const attempt = (begun) =>
    new Promise((resolve) => {
      let ttfb = Number.NaN;
      let tail = '';
      let events = 0;
      let settled = false;
      const finish = (ok, reason, retryAfterMs) => {
        if (settled) return;
        settled = true;
        resolve({ ok, reason, ttfb, events, retryAfterMs });
      };
      const outgoing = http.request(request.url, { method: 'POST', agent, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body), ...request.headers } }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          const retryAfter = Number(response.headers['retry-after']);
          response.on('end', () => finish(false, `status ${response.statusCode}`, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined));
          return;
        }
        response.setEncoding('utf8');
        response.on('data', (text) => {
          if (Number.isNaN(ttfb)) ttfb = Number(process.hrtime.bigint() - begun) / 1e6;
          events += text.split('\n\n').length - 1;
          tail = (tail + text).slice(-64);
        });
        response.on('end', () => finish(tail.includes('[DONE]'), tail.includes('[DONE]') ? undefined : 'ended without [DONE]'));
        response.on('error', (error) => finish(false, error.code ?? error.message));
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
      outgoing.on('error', (error) => finish(false, error.code ?? error.message));
      outgoing.end(request.body);
    });
  // A stream as an official SDK opens it: a connection error, a 408, 429 or 5xx before the stream starts is retried up
  // to `retries` times (the SDKs' default is 2), after `Retry-After` when given, else 0.5 s, 1 s, … with jitter.
  // The time to first byte counts from the first attempt; what the first attempts met is reported as `retriedReasons`.
  const one = async () => {
    const begun = process.hrtime.bigint();
    open += 1;
    peakOpen = Math.max(peakOpen, open);
    let result;
    for (let tries = 0; ; tries += 1) {
      result = await attempt(begun);
      const retryable = !result.ok && result.events === 0 && !/^status (?!408|429|5)/.test(result.reason ?? '');
      if (!retryable || tries >= retries) break;
      retriedReasons[result.reason] = (retriedReasons[result.reason] ?? 0) + 1;
      await sleep(result.retryAfterMs ?? 500 * 2 ** tries * (0.75 + Math.random() / 4));
    }
    open -= 1;
    return result;
  };
  const pending = [];
  for (let index = 0; index < count; index += 1) {
    pending.push(one());
    if (rampMs > 0 && index % 50 === 49) await sleep((rampMs * 50) / count);
  }
  const results = await Promise.all(pending);
  clearInterval(sampler);
  agent.destroy();
  const elapsedMs = Date.now() - started;
  const endUsage = processUsage(pid);
  const ttfbs = results.map((result) => result.ttfb).filter(Number.isFinite).sort((a, b) => a - b);
  const failures = results.filter((result) => !result.ok);
  const reasons = {};
  for (const failure of failures) reasons[failure.reason] = (reasons[failure.reason] ?? 0) + 1;
  const sortedDelays = [...loopDelays].sort((a, b) => a - b);
  return {
    count,
    peakOpen,
    elapsedMs,
    ttfbP50: percentile(ttfbs, 0.5),
    ttfbP99: percentile(ttfbs, 0.99),
    failed: failures.length,
    reasons,
    /** Why first attempts were retried (the same stream may count twice), as `reasons`. */
    retriedReasons,
    events: results.reduce((sum, result) => sum + result.events, 0),
    peakRss: Math.max(...samples.map((sample) => sample.rss).filter(Number.isFinite)),
    /** RSS while (nearly) every stream was open: the median of the samples taken then. */
    steadyRss: percentile(
      samples.filter((sample) => sample.open >= count * 0.95).map((sample) => sample.rss).sort((a, b) => a - b),
      0.5,
    ),
    /** CPU of the serving process over the whole run, in percent of one core. */
    cpuPercent: ((endUsage.cpuMs - startUsage.cpuMs) / elapsedMs) * 100,
    /** The worst of the per-scrape p99s (`nodejs_eventloop_lag_p99_seconds`, prom-client's 10 ms sampling). */
    loopDelayP99: sortedDelays.length ? sortedDelays[sortedDelays.length - 1] : Number.NaN,
    loopDelayMedianP99: percentile(sortedDelays, 0.5),
  };
}

async function scrapeLoopDelay(metricsUrl) {
  try {
    const text = await (await fetch(metricsUrl)).text();
    const match = /^nodejs_eventloop_lag_p99_seconds\s+([\d.e+-]+)/m.exec(text);
    return match ? Number(match[1]) * 1000 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
