import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config.js';
import { AuditService } from './audit.service.js';

function build(query: (text: string, values?: unknown[]) => Promise<unknown>) {
  const dataSource = { query: vi.fn(query) } as unknown as DataSource;
  const logger = { warn: vi.fn() } as unknown as Logger;
  const sut = new AuditService(dataSource, { auditRetentionDays: 365 } as AppConfig, logger);
  return { sut, dataSource: dataSource as unknown as { query: ReturnType<typeof vi.fn> }, logger: logger as unknown as { warn: ReturnType<typeof vi.fn> } };
}

const event = { actor: { id: '00000000-0000-4000-8000-000000000001' }, action: 'provider_key.created' as const, provider: 'openai' as const };

describe(AuditService.name, () => {
  it('queues without touching the database, and writes the queue as one statement per batch in order', async () => {
    const { sut, dataSource } = build(async () => []);
    sut.record(event);
    sut.record({ ...event, action: 'provider_key.deleted' });
    expect(dataSource.query).not.toHaveBeenCalled();
    await sut.flush();
    expect(dataSource.query).toHaveBeenCalledTimes(1);
    const rows = JSON.parse(dataSource.query.mock.calls[0]![1]![0] as string) as { action: string; outcome: string }[];
    expect(rows.map((row) => row.action)).toEqual(['provider_key.created', 'provider_key.deleted']);
    expect(rows[0]!.outcome).toBe('success');
  });

  it('never throws into the caller: a failed write is logged without its parameters and the next events still go', async () => {
    let fail = true;
    const { sut, dataSource, logger } = build(async () => {
      if (fail) throw Object.assign(new Error('connection lost'), { parameters: ['me@example.com'] });
      return [];
    });
    sut.record(event);
    await sut.flush();
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('me@example.com');
    fail = false;
    sut.record(event);
    await sut.flush();
    expect(dataSource.query).toHaveBeenCalledTimes(2);
  });

  it('is bounded: past the limit events are dropped and counted, never blocking the caller', async () => {
    const { sut, dataSource, logger } = build(async () => []);
    for (let index = 0; index < 12_000; index += 1) sut.record(event);
    await sut.flush();
    const written = dataSource.query.mock.calls.reduce((sum, call) => sum + (JSON.parse((call[1] as string[])[0]!) as unknown[]).length, 0);
    expect(written).toBe(10_000);
    expect(logger.warn).toHaveBeenCalledWith({ dropped: 2_000 }, 'audit: queue full; events dropped');
  });
});
