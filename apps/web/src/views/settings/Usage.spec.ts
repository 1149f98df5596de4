import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import type { UsageQuery, UsageReport } from '@uniroute/shared';
import * as usageApi from '@/api/usage';
import { deferred, openAIError, usageReport, usageRequestView, usageRow } from '@/testing/fixtures';
import Usage from './Usage.vue';

vi.mock('@/api/usage');
const BarStub = vi.hoisted(() => ({ name: 'Bar', props: ['data', 'options'], template: '<canvas />' }));
vi.mock('vue-chartjs', () => ({ Bar: BarStub }));

const api = vi.mocked(usageApi);
const NOW = new Date('2026-12-04T12:00:00.000Z');

let wrapper: VueWrapper | undefined;

async function mountSut(props: { teamId?: string } = {}): Promise<VueWrapper> {
  wrapper = mount(Usage, {
    props,
    attachTo: document.body,
    global: {
      plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })],
      stubs: { RouterLink: true },
    },
  });
  await flushPromises();
  return wrapper;
}

const byTestId = (sut: VueWrapper, testId: string) => sut.get(`[data-testid="${testId}"]`);

const daily = usageReport('day', [
  usageRow('2026-12-01T00:00:00.000Z', { requests: 3, errors: 1, promptTokens: 300, completionTokens: 30, costUsd: 0.003 }),
  usageRow('2026-12-04T00:00:00.000Z', { requests: 2, promptTokens: 200, completionTokens: 20, costUsd: 0.002 }),
]);

function serveReports(reports: Partial<Record<string, UsageReport>>): void {
  api.getUsage.mockImplementation(async (query: UsageQuery) => reports[query.groupBy ?? 'day'] ?? usageReport(query.groupBy ?? 'day', []));
}

describe('Usage page', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    api.getUsageSplit.mockRejectedValue(openAIError(400, 'property splitBy should not exist', 'validation_failed', {}, 'splitBy'));
    api.listUsageRequests.mockResolvedValue({ requests: [], next: null });
    serveReports({
      day: daily,
      keySource: usageReport('keySource', [usageRow('user', { requests: 4, costUsd: 0.004 }), usageRow('server', { requests: 1, costUsd: 0.001 })]),
      model: usageReport('model', [usageRow('gpt-4o-mini', { requests: 5, promptTokens: 500, completionTokens: 50, costUsd: 0.005 })]),
      apiKey: usageReport('apiKey', [usageRow('api-key-1', { label: 'production', requests: 5, costUsd: 0.005 })]),
    });
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
    vi.useRealTimers();
  });

  it('shows the loading state until the figures arrive', async () => {
    const pending = deferred<UsageReport>();
    api.getUsage.mockReturnValue(pending.promise);
    const sut = await mountSut();

    expect(byTestId(sut, 'usage-loading').text()).toContain('Loading usage…');

    pending.resolve(daily);
    await flushPromises();
    expect(sut.find('[data-testid="usage-loading"]').exists()).toBe(false);
  });

  it('shows the last 7 days by default: totals, the chart from the API figures, and the tables', async () => {
    const sut = await mountSut();

    expect(api.getUsage).toHaveBeenCalledWith({ from: '2026-11-27T12:00:00.000Z', to: '2026-12-04T12:00:00.000Z', groupBy: 'day' });
    expect(byTestId(sut, 'usage-total-requests').text()).toBe('5');
    expect(byTestId(sut, 'usage-total-tokens').text()).toBe('550');
    expect(byTestId(sut, 'usage-total-cost').text()).toBe('$0.005');
    expect(byTestId(sut, 'usage-total-errors').text()).toBe('1');

    const data = sut.getComponent(BarStub).props('data') as { labels: string[]; datasets: Array<{ data: number[] }> };
    expect(data.labels).toEqual(['Nov 27', 'Nov 28', 'Nov 29', 'Nov 30', 'Dec 1', 'Dec 2', 'Dec 3', 'Dec 4']);
    expect(data.datasets[0]?.data).toEqual([0, 0, 0, 0, 3, 0, 0, 2]);

    expect(byTestId(sut, 'usage-by-key-source').findAll('[data-column="name"]').map((cell) => cell.text())).toEqual(['Your keys', 'Server key']);
    expect(byTestId(sut, 'usage-by-model-totals').get('[data-column="requests"]').text()).toBe('5');
    expect(byTestId(sut, 'usage-by-api-key-row').get('[data-column="name"]').text()).toBe('production');
  });

  it('asks again for the range picked', async () => {
    const sut = await mountSut();
    api.getUsage.mockClear();
    serveReports({ hour: usageReport('hour', [usageRow('2026-12-04T10:00:00.000Z', { requests: 1 })]) });

    await byTestId(sut, 'usage-range-24h').trigger('click');
    await flushPromises();

    expect(api.getUsage).toHaveBeenCalledWith({ from: '2026-12-03T12:00:00.000Z', to: '2026-12-04T12:00:00.000Z', groupBy: 'hour' });
    expect(api.getUsage).toHaveBeenCalledWith({ from: '2026-12-03T12:00:00.000Z', to: '2026-12-04T12:00:00.000Z', groupBy: 'model' });
    expect(sut.get('#usage-chart-title').text()).toBe('Last 24 hours');
    expect(byTestId(sut, 'usage-range-24h').attributes('aria-pressed')).toBe('true');
    expect((sut.getComponent(BarStub).props('data') as { labels: string[] }).labels).toHaveLength(24);
  });

  it("shows the API's error message and retries", async () => {
    api.getUsage.mockRejectedValue(openAIError(400, 'The range may span at most 90 days.', 'validation_failed', {}, 'from'));
    const sut = await mountSut();

    expect(byTestId(sut, 'usage-error').text()).toContain('The range may span at most 90 days.');

    serveReports({ day: daily });
    await byTestId(sut, 'usage-retry').trigger('click');
    await flushPromises();
    expect(sut.find('[data-testid="usage-error"]').exists()).toBe(false);
    expect(byTestId(sut, 'usage-total-requests').text()).toBe('5');
  });

  it('shows an empty state when nothing went through the gateway', async () => {
    serveReports({});
    const sut = await mountSut();

    expect(byTestId(sut, 'usage-empty').text()).toContain('No requests in this range');
    expect(sut.find('[data-testid="usage-chart"]').exists()).toBe(false);
    expect(byTestId(sut, 'usage-requests-empty').text()).toBe('No requests yet.');
  });

  it('lists the latest requests and loads older ones with "Load more"', async () => {
    api.listUsageRequests.mockResolvedValueOnce({
      requests: [usageRequestView({ id: 'r3', status: 429, errorType: 'rate_limit_error', costUsd: null, promptTokens: null, completionTokens: null })],
      next: 'cursor-r3',
    });
    const sut = await mountSut();
    const first = byTestId(sut, 'usage-request-row');
    expect(first.get('[data-column="status"]').text()).toContain('429');
    expect(first.get('[data-column="status"]').text()).toContain('rate_limit_error');
    expect(first.get('[data-column="cost"]').text()).toBe('—');
    expect(first.get('[data-column="tokens"]').text()).toBe('—');

    api.listUsageRequests.mockResolvedValueOnce({ requests: [usageRequestView({ id: 'r2', keySource: 'server' })], next: null });
    await byTestId(sut, 'usage-requests-more').trigger('click');
    await flushPromises();

    expect(api.listUsageRequests).toHaveBeenLastCalledWith({ limit: 25, before: 'cursor-r3' });
    const rows = sut.findAll('[data-testid="usage-request-row"]');
    expect(rows.map((row) => row.attributes('data-request-id'))).toEqual(['r3', 'r2']);
    expect(rows[1]!.get('[data-column="keySource"]').text()).toBe('Server key');
    expect(sut.find('[data-testid="usage-requests-more"]').exists()).toBe(false);
  });

  it("shows a team's usage to its admins: teamId on every call", async () => {
    await mountSut({ teamId: 'team-42' });

    expect(api.getUsage.mock.calls.length).toBeGreaterThan(0);
    for (const [query] of api.getUsage.mock.calls) expect(query.teamId).toBe('team-42');
    expect(api.listUsageRequests).toHaveBeenCalledWith({ limit: 25, teamId: 'team-42' });
  });
});
