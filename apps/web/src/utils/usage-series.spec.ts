import { describe, expect, it } from 'vitest';
import type { UsageReport, UsageRow } from '@uniroute/shared';
import { usageReport, usageRow } from '@/testing/fixtures';
import { formatUsd } from './usage-format';
import { buildTimeline, chartFigures } from './usage-series';

/** A `splitBy=keySource` answer: day rows each carrying their per-key-source rows. */
function splitReport(rows: UsageRow[]): UsageReport {
  return { ...usageReport('day', rows), rows };
}

const RANGE = { from: '2026-12-01T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' };

describe('buildTimeline', () => {
  it('puts the API rows on their days and fills quiet days with zeros', () => {
    const report = usageReport('day', [
      usageRow('2026-12-01T00:00:00.000Z', { requests: 4, promptTokens: 40, completionTokens: 2, costUsd: 0.01 }),
      // Another ISO spelling of the same kind of instant.
      usageRow('2026-12-03T00:00:00+00:00', { requests: 1, promptTokens: 5, completionTokens: 1, costUsd: null }),
    ]);

    const sut = buildTimeline(report, RANGE, 'day');

    expect(sut.sources).toBeNull();
    expect(sut.buckets.map((bucket) => [bucket.start, bucket.figures.requests, bucket.figures.costUsd])).toEqual([
      ['2026-12-01T00:00:00.000Z', 4, 0.01],
      ['2026-12-02T00:00:00.000Z', 0, 0],
      ['2026-12-03T00:00:00.000Z', 1, null],
    ]);
  });

  it('takes a zero-filled bucket as costing nothing, not as an unknown price', () => {
    const report = usageReport('day', [
      usageRow('2026-12-01T00:00:00.000Z', { requests: 0, costUsd: null }),
      usageRow('2026-12-02T00:00:00.000Z', { requests: 2, costUsd: null }),
    ]);

    const sut = buildTimeline(report, RANGE, 'day');

    expect(sut.buckets.map((bucket) => bucket.figures.costUsd)).toEqual([0, null, 0]);
  });

  it('keeps the per-key-source split and lists only the sources with traffic, in KEY_SOURCES order', () => {
    const report = splitReport([
      {
        ...usageRow('2026-12-02T00:00:00.000Z', { requests: 5 }),
        split: [usageRow('server', { requests: 2 }), usageRow('user', { requests: 3 })],
      },
    ]);

    const sut = buildTimeline(report, RANGE, 'day');

    expect(sut.sources).toEqual(['user', 'server']);
    expect(sut.buckets[1]?.bySource?.user?.requests).toBe(3);
    expect(sut.buckets[0]?.bySource).toEqual({});
  });
});

describe('chartFigures', () => {
  it('plots the totals the API returned when there is no split', () => {
    const report = usageReport('day', [
      usageRow('2026-12-01T00:00:00.000Z', { requests: 4, promptTokens: 40, completionTokens: 2, costUsd: 0.25 }),
      usageRow('2026-12-03T00:00:00.000Z', { requests: 1, promptTokens: 5, completionTokens: 1, costUsd: null }),
    ]);
    const timeline = buildTimeline(report, RANGE, 'day');

    expect(chartFigures(timeline, 'requests')).toEqual({
      labels: ['Dec 1', 'Dec 2', 'Dec 3'],
      datasets: [{ label: 'Requests', data: [4, 0, 1], backgroundColor: expect.any(String) }],
    });
    expect(chartFigures(timeline, 'tokens').datasets[0]?.data).toEqual([42, 0, 6]);
    // An unknown price is a gap, not a zero.
    expect(chartFigures(timeline, 'cost').datasets[0]?.data).toEqual([0.25, 0, null]);
  });

  it('stacks one series per key source', () => {
    const report = splitReport([
      { ...usageRow('2026-12-02T00:00:00.000Z', { requests: 5 }), split: [usageRow('user', { requests: 3 }), usageRow('team', { requests: 2 })] },
    ]);

    const sut = chartFigures(buildTimeline(report, RANGE, 'day'), 'requests');

    expect(sut.datasets.map((series) => [series.label, series.data])).toEqual([
      ['Your keys', [0, 3, 0]],
      ['Team keys', [0, 2, 0]],
    ]);
  });
});

describe('formatUsd', () => {
  it('says estimated costs in dollars, keeps fractions of a cent, and "—" for unknown', () => {
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.00042)).toBe('$0.00042');
    expect(formatUsd(0.004)).toBe('$0.004');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(12.3456)).toBe('$12.35');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
  });
});
