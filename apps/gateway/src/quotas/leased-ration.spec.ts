import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeasedRation } from './leased-ration.js';

/**
 * The `server_key_rations` claim statement, in memory: per (user, minute) at most `limit` granted in
 * total, each claim getting what is left up to what it asked for. Counts the statements, so a test can
 * see which requests needed the table.
 */
function fakeTable() {
  const granted = new Map<string, number>();
  const table = {
    statements: 0,
    dataSource: {
      query: async (sql: string, parameters: unknown[]) => {
        table.statements += 1;
        // A real round trip takes a while: requests arriving meanwhile must not be answered from nothing.
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (sql.startsWith('DELETE')) return [];
        const [users, windows, wants, limit] = parameters as [string[], number[], number[], number];
        return users.map((userId, index) => {
          const key = `${userId}:${windows[index]}`;
          const before = granted.get(key) ?? 0;
          const lastGrant = Math.max(0, Math.min(wants[index]!, limit - before));
          granted.set(key, before + lastGrant);
          return { user_id: userId, window_minute: String(windows[index]), last_grant: lastGrant, granted: before + lastGrant };
        });
      },
    } as unknown as DataSource,
  };
  return table;
}

const silent = pino({ level: 'silent' });

describe(LeasedRation.name, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never admits more than the limit across two replicas, and at least 90 % of it, however the burst is spread', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:05Z'));
    const table = fakeTable();
    const replicas = [new LeasedRation(table.dataSource, silent, 60), new LeasedRation(table.dataSource, silent, 60)];
    let admitted = 0;
    for (let round = 0; round < 30; round += 1) {
      // Five at once per replica, then a background round on each, as their timers would run.
      const decisions = await Promise.all(replicas.flatMap((replica) => Array.from({ length: 5 }, () => replica.take('user-a'))));
      admitted += decisions.filter((decision) => decision.allowed).length;
      await Promise.all(replicas.map((replica) => replica.sync()));
    }
    expect(admitted).toBeLessThanOrEqual(60);
    expect(admitted).toBeGreaterThanOrEqual(54);
  });

  it('answers a warm user from the local lease, without the table, and refuses with the seconds left in the minute', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:20Z'));
    const table = fakeTable();
    const sut = new LeasedRation(table.dataSource, silent, 100);

    expect(await sut.take('user-b')).toEqual({ allowed: true }); // cold: one claim
    let statementsDuringRequests = 0;
    for (let index = 0; index < 5; index += 1) {
      await sut.sync(); // the background round tops the lease up with what the user used
      const before = table.statements;
      expect(await sut.take('user-b')).toEqual({ allowed: true });
      statementsDuringRequests += table.statements - before;
    }
    expect(statementsDuringRequests).toBe(0);

    const other = new LeasedRation(table.dataSource, silent, 100);
    for (let index = 0; index < 200; index += 1) await other.take('user-b');
    await sut.sync();
    let refusal: Awaited<ReturnType<LeasedRation['take']>> = { allowed: true };
    for (let index = 0; index < 20 && refusal.allowed; index += 1) refusal = await sut.take('user-b');
    expect(refusal).toEqual({ allowed: false, retryAfterSeconds: 40 });
  });

  it('counts each user and each minute on its own', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:50Z'));
    const table = fakeTable();
    const sut = new LeasedRation(table.dataSource, silent, 2);

    const first = [await sut.take('user-c'), await sut.take('user-c'), await sut.take('user-c')];
    const otherUser = await sut.take('user-d');
    vi.setSystemTime(new Date('2026-01-01T00:01:00Z'));
    const nextMinute = await sut.take('user-c');

    expect(first.map((decision) => decision.allowed)).toEqual([true, true, false]);
    expect(otherUser.allowed).toBe(true);
    expect(nextMinute.allowed).toBe(true);
  });

  it('admits a cold user\'s concurrent first requests when the minute turns while their claim is under way', async () => {
    // CI saw GET /v1/models (three providers asking at once) refused with 429 for a fresh user: the claim was
    // granted for the minute that had just ended, and the waiters found the new minute's lease empty.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:59.999Z'));
    const table = fakeTable();
    const slowQuery = table.dataSource.query.bind(table.dataSource);
    let turned = false;
    (table.dataSource as unknown as { query: typeof slowQuery }).query = async (sql: string, parameters?: unknown[]) => {
      const rows = await slowQuery(sql, parameters);
      if (!turned) {
        turned = true;
        vi.setSystemTime(new Date('2026-01-01T00:01:00.001Z'));
      }
      return rows;
    };
    const sut = new LeasedRation(table.dataSource, silent, 100);

    const decisions = await Promise.all([sut.take('user-e'), sut.take('user-e'), sut.take('user-e')]);

    expect(decisions).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
  });

  it('gives a waiter the token claimed for it, even when another request arrives before the waiter resumes', async () => {
    // CI saw GET /v1/models refused with 429 again for a fresh user: its first request claimed one token, and the round
    // then deleted expired windows (a round trip) before waking it; a second request of the user arriving meanwhile took
    // that token from the lease, and the first, finding none, was refused with most of the user's minute unused.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:30Z'));
    const table = fakeTable();
    const query = table.dataSource.query.bind(table.dataSource);
    let deleting!: () => void;
    const deleteStarted = new Promise<void>((resolve) => (deleting = resolve));
    (table.dataSource as unknown as { query: typeof query }).query = async (sql: string, parameters?: unknown[]) => {
      if (sql.startsWith('DELETE')) {
        deleting();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return query(sql, parameters);
    };
    const sut = new LeasedRation(table.dataSource, silent, 100);

    const first = sut.take('user-f');
    // Whatever the round still does after its claim, a request arriving then must not take the first one's token.
    await Promise.race([deleteStarted, new Promise((resolve) => setTimeout(resolve, 20))]);
    const second = sut.take('user-f');

    expect(await Promise.all([first, second])).toEqual([{ allowed: true }, { allowed: true }]);
  });

  it('refuses a waiting request as unavailable, after one claim, when the table does not answer, and admits again once it does', async () => {
    // Refused as "you used your minute" before, which a user who had used nothing could not make sense of.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:10Z'));
    const table = fakeTable();
    const query = table.dataSource.query.bind(table.dataSource);
    let down = true;
    let claimsWhileDown = 0;
    (table.dataSource as unknown as { query: typeof query }).query = async (sql: string, parameters?: unknown[]) => {
      if (down) {
        if (!sql.startsWith('DELETE')) claimsWhileDown += 1;
        throw new Error('connection terminated');
      }
      return query(sql, parameters);
    };
    const sut = new LeasedRation(table.dataSource, silent, 100);

    const refused = await sut.take('user-g');
    down = false;
    const admitted = await sut.take('user-g');

    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 5, unavailable: true });
    expect(claimsWhileDown).toBe(1);
    expect(admitted).toEqual({ allowed: true });
  });
});
