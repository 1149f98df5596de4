import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { describe, expect, it, vi } from 'vitest';
import { LastUsedRecorder } from './last-used.recorder.js';

function build(query: (text: string, values: [string[], string[]]) => Promise<unknown>) {
  const spy = vi.fn(query);
  const logger = { warn: vi.fn() } as unknown as Logger;
  const sut = new LastUsedRecorder({ query: spy } as unknown as DataSource, logger);
  /** What each UPDATE wrote, by table: id → time. */
  const written = () => spy.mock.calls.map(([text, [ids, ats]]) => ({
    table: /UPDATE (\w+)/.exec(text)![1],
    marks: Object.fromEntries(ids.map((id, index) => [id, ats[index]])),
  }));
  return { sut, spy, written, warn: (logger as unknown as { warn: ReturnType<typeof vi.fn> }).warn };
}

const at = (second: number) => new Date(Date.UTC(2026, 11, 5, 12, 0, second));

describe(LastUsedRecorder.name, () => {
  it('writes one UPDATE per table with the latest mark of each key, and nothing when nothing was used', async () => {
    const { sut, spy, written } = build(async () => []);
    await sut.flush();
    expect(spy).not.toHaveBeenCalled();

    sut.record('api_keys', 'a', at(2));
    sut.record('api_keys', 'a', at(1)); // a request that finished late does not move the mark back
    sut.record('user_provider_keys', 'p', at(3));
    await sut.flush();
    expect(written()).toEqual([
      { table: 'api_keys', marks: { a: at(2).toISOString() } },
      { table: 'user_provider_keys', marks: { p: at(3).toISOString() } },
    ]);
  });

  it('keeps the marks of a failed write for the next flush, merged with what was used meanwhile', async () => {
    let fail = true;
    const { sut, written, warn } = build(async () => {
      if (fail) throw new Error('connection lost');
      return [];
    });
    sut.record('user_provider_keys', 'p', at(1));
    sut.record('user_provider_keys', 'q', at(1));
    await sut.flush();
    expect(warn).toHaveBeenCalledTimes(1);

    fail = false;
    sut.record('user_provider_keys', 'q', at(5));
    await sut.flush();
    expect(written().at(-1)).toEqual({ table: 'user_provider_keys', marks: { p: at(1).toISOString(), q: at(5).toISOString() } });

    await sut.flush();
    expect(written()).toHaveLength(2); // written once, not again
  });
});
