import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { UsageRecorder, type UsageRecord } from './usage-recorder.js';

function build(query: (text: string, values?: unknown[]) => Promise<unknown>, queueMax = 100) {
  const dataSource = { query: vi.fn(query) } as unknown as DataSource;
  const logger = { warn: vi.fn() } as unknown as Logger;
  const metrics = new MetricsService();
  const sut = new UsageRecorder(dataSource, { usage: { retentionDays: 90, queueMax } } as AppConfig, logger, metrics);
  return { sut, metrics, query: (dataSource as unknown as { query: ReturnType<typeof vi.fn> }).query, warn: (logger as unknown as { warn: ReturnType<typeof vi.fn> }).warn };
}

const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  userId: '00000000-0000-4000-8000-000000000001',
  teamId: null,
  apiKeyId: '00000000-0000-4000-8000-000000000002',
  endpoint: 'chat',
  provider: 'openai',
  model: 'gpt-4o-mini',
  stream: false,
  keySource: 'server',
  keyId: 'server',
  status: 200,
  latencyMs: 120.4,
  ttfbMs: null,
  usage: { promptTokens: 1000, completionTokens: 500, cachedTokens: null, cacheWriteTokens: null },
  errorType: null,
  ...overrides,
});

describe(UsageRecorder.name, () => {
  it('queues without touching the database, then writes one statement with the hour, the UTC day and the catalog cost', async () => {
    const { sut, query } = build(async () => []);
    sut.record(record());
    sut.record(record({ model: 'no-such-model-anywhere', status: 429, errorType: 'rate_limit_exceeded', usage: { promptTokens: null, completionTokens: null, cachedTokens: null, cacheWriteTokens: null } }));
    expect(query).not.toHaveBeenCalled();
    await sut.flush();
    expect(query).toHaveBeenCalledTimes(1);
    const rows = JSON.parse(query.mock.calls[0]![1]![0] as string) as Array<Record<string, unknown>>;
    expect(rows[0]).toMatchObject({ bucket: '2026-01-02T03:00:00.000Z', day: '2026-01-02T00:00:00.000Z', latency_ms: 120, prompt_tokens: 1000 });
    expect(rows[0]!['cost_usd']).toBeGreaterThan(0);
    expect(rows[1]).toMatchObject({ cost_usd: null, prompt_tokens: null, error_type: 'rate_limit_exceeded' });
  });

  it('drops past USAGE_QUEUE_MAX and counts the drops; a failed batch is counted, logged without parameters, and never thrown', async () => {
    let fail = true;
    const { sut, metrics, warn } = build(async () => {
      if (fail) throw new Error('connection lost');
      return [];
    }, 2);
    for (let index = 0; index < 5; index += 1) sut.record(record());
    await sut.flush();
    fail = false;
    const text = await metrics.render();
    expect(text).toContain('uniroute_usage_records_dropped_total{reason="queue_full"} 3');
    expect(text).toContain('uniroute_usage_records_dropped_total{reason="write_failed"} 2');
    expect(text).toContain('uniroute_tokens_total{provider="openai",kind="prompt"} 5000');
    expect(JSON.stringify(warn.mock.calls)).not.toContain('00000000-0000-4000-8000-000000000001');
  });

  it('a busy gateway writes whole batches: what arrives during a write waits for the next flush, and a flush asked for meanwhile gets it', async () => {
    const releases: Array<() => void> = [];
    const { sut, query } = build(async () => {
      await new Promise<void>((resolve) => releases.push(resolve));
      return [];
    });
    sut.record(record());
    const first = sut.flush();
    // Requests keep finishing while the statement runs: they are not written by this flush, one small batch after another.
    for (let index = 0; index < 5; index += 1) sut.record(record());
    releases.shift()!();
    await first;
    expect(query).toHaveBeenCalledTimes(1);

    sut.record(record());
    const second = sut.flush();
    sut.record(record());
    const third = sut.flush(); // asked for during the second write: it waits for it, then writes the rest
    expect(sut.flush()).toBe(third); // one waiting flush at most
    releases.shift()!();
    await second;
    await vi.waitFor(() => expect(query).toHaveBeenCalledTimes(3));
    releases.shift()!();
    await third;
    const sizes = query.mock.calls.map((call) => (JSON.parse(call[1]![0] as string) as unknown[]).length);
    expect(sizes).toEqual([1, 6, 1]);
  });

  it('writes what is queued before the application shuts down', async () => {
    const { sut, query } = build(async () => []);
    sut.record(record());
    await sut.beforeApplicationShutdown();
    expect(query).toHaveBeenCalledTimes(1);
  });

  it('stores a model name PostgreSQL cannot hold (NUL, a lone surrogate) with U+FFFD in their place, so one request cannot fail its batch', async () => {
    const { sut, query } = build(async () => []);
    sut.record(record({ model: 'gpt-4o-mini\u0000x' }));
    sut.record(record({ model: `gpt-${'a'.repeat(195)}\ud83d\ude00` }));
    await sut.flush();
    const rows = JSON.parse(query.mock.calls[0]![1]![0] as string) as Array<{ model: string }>;
    expect(rows[0]!.model).toBe('gpt-4o-mini\ufffdx');
    // Cut at 200 characters inside the emoji's surrogate pair.
    expect(rows[1]!.model).toBe(`gpt-${'a'.repeat(195)}\ufffd`);
  });
});
