import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import type { ChartData } from 'chart.js';
import type { UsageReport } from '@uniroute/shared';
import { usageReport, usageRow } from '@/testing/fixtures';
import { buildTimeline } from '@/utils/usage-series';
import UsageChart from './UsageChart.vue';

const RANGE = { from: '2026-12-01T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' };

/** Chart.js needs a real canvas (jsdom has none); the stand-in keeps what the chart was given. */
const BarStub = vi.hoisted(() => ({ name: 'Bar', props: ['data', 'options'], template: '<canvas />' }));
vi.mock('vue-chartjs', () => ({ Bar: BarStub }));

let wrapper: VueWrapper | undefined;

function mountSut(report: UsageReport): VueWrapper {
  wrapper = mount(UsageChart, {
    props: { timeline: buildTimeline(report, RANGE, 'day') },
  });
  return wrapper;
}

function chartData(sut: VueWrapper): ChartData<'bar'> {
  return sut.getComponent(BarStub).props('data') as ChartData<'bar'>;
}

const report = usageReport('day', [
  usageRow('2026-12-01T00:00:00.000Z', { requests: 4, promptTokens: 100, completionTokens: 20, costUsd: 0.02 }),
  usageRow('2026-12-03T00:00:00.000Z', { requests: 6, promptTokens: 300, completionTokens: 60, costUsd: null }),
]);

describe('UsageChart', () => {
  afterEach(() => wrapper?.unmount());

  it('draws the figures the API returned, a bar per day, and switches metric', async () => {
    const sut = mountSut(report);

    expect(chartData(sut).labels).toEqual(['Dec 1', 'Dec 2', 'Dec 3']);
    expect(chartData(sut).datasets.map((series) => series.data)).toEqual([[4, 0, 6]]);

    await sut.get('[data-testid="usage-metric-tokens"]').setValue(true);
    expect(chartData(sut).datasets[0]?.data).toEqual([120, 0, 360]);

    await sut.get('[data-testid="usage-metric-cost"]').setValue(true);
    expect(chartData(sut).datasets[0]?.data).toEqual([0.02, 0, null]);
    expect(sut.get('[data-testid="usage-chart"]').attributes('data-metric')).toBe('cost');
  });

  it('says it shows totals when the gateway did not split by key source', () => {
    const sut = mountSut(report);

    expect(sut.get('[data-testid="usage-chart"]').attributes('data-split')).toBe('false');
    expect(sut.find('[data-testid="usage-chart-unsplit"]').exists()).toBe(true);
  });

  it('stacks a series per key source when the API split the days', () => {
    const sut = mountSut({
      ...report,
      rows: [
        { ...usageRow('2026-12-01T00:00:00.000Z', { requests: 4 }), split: [usageRow('user', { requests: 1 }), usageRow('server', { requests: 3 })] },
        { ...usageRow('2026-12-03T00:00:00.000Z', { requests: 6 }), split: [usageRow('request', { requests: 6 })] },
      ],
    });

    expect(chartData(sut).datasets.map((series) => [series.label, series.data])).toEqual([
      ['Your keys', [1, 0, 0]],
      ['Server key', [3, 0, 0]],
      ['Per-request key', [0, 0, 6]],
    ]);
    expect(sut.find('[data-testid="usage-chart-unsplit"]').exists()).toBe(false);
  });

  it('gives the same figures as a table: the accessible alternative to the canvas', () => {
    const sut = mountSut(report);

    const rows = sut.findAll('[data-testid="usage-chart-row"]');
    expect(rows.map((row) => [row.get('th').text(), ...row.findAll('td').map((cell) => cell.text())])).toEqual([
      ['Dec 1', '4', '120', '$0.02'],
      ['Dec 2', '0', '0', '$0.00'],
      ['Dec 3', '6', '360', '—'],
    ]);
  });

  it('split: the table mirrors the chart, a column per key source and the total, for the metric shown', async () => {
    const sut = mountSut({
      ...report,
      rows: [
        { ...usageRow('2026-12-01T00:00:00.000Z', { requests: 4, costUsd: 0.04 }), split: [usageRow('user', { requests: 1, costUsd: 0.01 }), usageRow('server', { requests: 3, costUsd: 0.03 })] },
      ],
    });
    const table = (): string[][] =>
      sut.findAll('[data-testid="usage-chart-table"] tr').map((row) => row.findAll('th, td').map((cell) => cell.text()));

    expect(table().slice(0, 2)).toEqual([
      ['Day (UTC)', 'Your keys', 'Server key', 'Total'],
      ['Dec 1', '1', '3', '4'],
    ]);

    await sut.get('[data-testid="usage-metric-cost"]').setValue(true);
    expect(table()[1]).toEqual(['Dec 1', '$0.01', '$0.03', '$0.04']);
  });

  it('describes the chart to a screen reader', () => {
    const sut = mountSut(report);

    expect(sut.getComponent(BarStub).attributes('aria-label')).toBe('Bar chart of requests per day. The table below lists the same figures.');
  });
});
