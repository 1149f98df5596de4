import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestingPinia } from '@pinia/testing';
import type { UsageQuery, UsageReport } from '@uniroute/shared';
import * as usageApi from '@/api/usage';
import { deferred, openAIError, usageReport, usageRequestView, usageRow } from '@/testing/fixtures';
import { presetRange, type UsageRange } from '@/utils/usage-range';
import { USAGE_REQUESTS_PAGE_SIZE, useUsageStore } from './usage';

vi.mock('@/api/usage');

const api = vi.mocked(usageApi);
const RANGE: UsageRange = presetRange('7d', new Date('2026-12-04T12:00:00.000Z'));

function createSut() {
  createTestingPinia({ stubActions: false, createSpy: vi.fn });
  return useUsageStore();
}

/** The API as §10 has it: each groupBy answers its own report. */
function serveReports(reports: Partial<Record<string, UsageReport>>): void {
  api.getUsage.mockImplementation(async (query: UsageQuery) => reports[query.groupBy ?? 'day'] ?? usageReport(query.groupBy ?? 'day', []));
}

describe('useUsageStore', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listUsageRequests.mockResolvedValue({ requests: [], next: null });
    api.getUsageSplit.mockRejectedValue(openAIError(400, 'property splitBy should not exist', 'validation_failed', {}, 'splitBy'));
    serveReports({});
  });

  it('asks for the range once per view: the time buckets, the three breakdowns and the latest requests', async () => {
    const sut = createSut();
    const byModel = usageReport('model', [usageRow('gpt-4o-mini', { requests: 3 })]);
    serveReports({ model: byModel });

    await sut.load(RANGE);

    const { from, to } = RANGE;
    expect(api.getUsageSplit).toHaveBeenCalledWith({ from, to, groupBy: 'day', splitBy: 'keySource' });
    expect(api.getUsage.mock.calls.map(([query]) => query)).toEqual(
      expect.arrayContaining([
        { from, to, groupBy: 'day' },
        { from, to, groupBy: 'keySource' },
        { from, to, groupBy: 'model' },
        { from, to, groupBy: 'apiKey' },
      ]),
    );
    expect(api.listUsageRequests).toHaveBeenCalledWith({ limit: USAGE_REQUESTS_PAGE_SIZE });
    expect(sut.breakdowns.model).toEqual(byModel);
    expect(sut.loaded).toBe(true);
    expect(sut.loading).toBe(false);
  });

  it('passes teamId on every call for a team admin', async () => {
    const sut = createSut();

    await sut.load(RANGE, 'team-7');

    for (const [query] of api.getUsage.mock.calls) expect(query.teamId).toBe('team-7');
    expect(api.getUsageSplit.mock.calls[0]?.[0].teamId).toBe('team-7');
    expect(api.listUsageRequests).toHaveBeenCalledWith({ limit: USAGE_REQUESTS_PAGE_SIZE, teamId: 'team-7' });
  });

  it('uses hours for the last 24 h', async () => {
    const sut = createSut();

    await sut.load(presetRange('24h'));

    expect(api.getUsage.mock.calls.some(([query]) => query.groupBy === 'hour')).toBe(true);
    expect(sut.timeBucket).toBe('hour');
  });

  it('falls back to totals once the gateway refuses splitBy, and stops asking for it', async () => {
    const sut = createSut();
    const daily = usageReport('day', [usageRow('2026-12-01T00:00:00.000Z', { requests: 2 })]);
    serveReports({ day: daily });

    await sut.load(RANGE);
    await sut.load(RANGE);

    expect(sut.timeline).toEqual(daily);
    expect(sut.splitSupported).toBe(false);
    expect(api.getUsageSplit).toHaveBeenCalledTimes(1);
    expect(sut.error).toBeNull();
  });

  it('keeps the split when the gateway answers it', async () => {
    const sut = createSut();
    const split = { ...usageReport('day', []), rows: [{ ...usageRow('2026-12-01T00:00:00.000Z', { requests: 2 }), split: [usageRow('user', { requests: 2 })] }] };
    api.getUsageSplit.mockResolvedValue(split);

    await sut.load(RANGE);

    expect(sut.timeline).toEqual(split);
    expect(sut.splitSupported).toBe(true);
    expect(api.getUsage.mock.calls.some(([query]) => query.groupBy === 'day')).toBe(false);
  });

  it("shows the API's own message when a report fails (any other 400 is not taken for a missing splitBy)", async () => {
    const sut = createSut();
    api.getUsageSplit.mockRejectedValue(openAIError(400, 'from must be before to', 'validation_failed', {}, 'from'));

    await sut.load(RANGE);

    expect(sut.error).toBe('from must be before to');
    expect(sut.splitSupported).toBeNull();
    expect(sut.loaded).toBe(false);
    expect(sut.loading).toBe(false);
  });

  it('ignores an older range that answers after a newer one', async () => {
    const sut = createSut();
    const slow = deferred<UsageReport>();
    const old = usageReport('model', [usageRow('old-model')]);
    const fresh = usageReport('model', [usageRow('new-model')]);
    api.getUsage.mockImplementationOnce(async () => slow.promise);
    serveReports({ model: fresh });
    api.getUsage.mockImplementationOnce(async () => slow.promise);

    const first = sut.load(RANGE);
    await sut.load(presetRange('30d'));
    slow.resolve(old);
    await first;

    expect(sut.breakdowns.model?.rows[0]?.key).toBe('new-model');
  });

  it('"load more" appends the next page of requests using next as before', async () => {
    const sut = createSut();
    api.listUsageRequests.mockResolvedValueOnce({ requests: [usageRequestView({ id: 'r2' })], next: 'cursor-1' });
    await sut.load(RANGE);
    api.listUsageRequests.mockResolvedValueOnce({ requests: [usageRequestView({ id: 'r1' })], next: null });

    await sut.loadMoreRequests();

    expect(api.listUsageRequests).toHaveBeenLastCalledWith({ limit: USAGE_REQUESTS_PAGE_SIZE, before: 'cursor-1' });
    expect(sut.requests.map((request) => request.id)).toEqual(['r2', 'r1']);
    expect(sut.next).toBeNull();
  });

  it('reports a failed requests page apart from the figures', async () => {
    const sut = createSut();
    api.listUsageRequests.mockRejectedValue(openAIError(503, 'The usage log is busy, try again.'));

    await sut.load(RANGE);

    expect(sut.requestsError).toBe('The usage log is busy, try again.');
    expect(sut.error).toBeNull();
    expect(sut.loaded).toBe(true);
  });
});
