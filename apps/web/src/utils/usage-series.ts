import { KEY_SOURCES, type KeySource, type UsageFigures, type UsageReport, type UsageRow } from '@uniroute/shared';
import { KEY_SOURCE_LABELS, formatBucket, totalTokens } from './usage-format';
import { bucketStarts, type UsageRange } from './usage-range';

/** What the chart plots; the accessible table shows all three. */
export const USAGE_METRICS = ['requests', 'tokens', 'cost'] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

export const USAGE_METRIC_LABELS: Readonly<Record<UsageMetric, string>> = {
  requests: 'Requests',
  tokens: 'Tokens',
  cost: 'Estimated cost',
};

/** One bar of the chart: a day or an hour, its totals and (when the API split it) its figures per key source. */
export interface TimelineBucket {
  start: string;
  figures: UsageFigures;
  bySource: Partial<Record<KeySource, UsageFigures>> | null;
}

/** The chart's figures: a bucket per day/hour of the range, and the key sources that had traffic (`null`: totals only). */
export interface Timeline {
  bucket: 'hour' | 'day';
  buckets: TimelineBucket[];
  sources: KeySource[] | null;
}

/** A bucket without traffic. Its cost is `0`, not unknown: no request means nothing to price. */
export function emptyFigures(): UsageFigures {
  return { requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, costUsd: 0, p50LatencyMs: null };
}

/** The same instant whatever ISO spelling the API used ("…Z", "+00:00", a date alone). */
function instantKey(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time).toISOString();
}

/**
 * The figures of a row. A bucket without requests costs nothing: the API's `null` there ("no request had a
 * known price") would otherwise read as an unknown cost on every quiet day.
 */
function figuresOf(row: UsageRow): UsageFigures {
  const { requests, errors, promptTokens, completionTokens, cachedTokens, costUsd, p50LatencyMs } = row;
  return { requests, errors, promptTokens, completionTokens, cachedTokens, costUsd: requests === 0 ? 0 : costUsd, p50LatencyMs };
}

/**
 * Lays the API's time rows (only buckets with traffic) over every bucket of the range, so quiet days are
 * zero bars rather than missing ones. A row whose bucket the range does not produce (a clock edge) is kept.
 */
export function buildTimeline(report: UsageReport, range: Pick<UsageRange, 'from' | 'to'>, bucket: 'hour' | 'day'): Timeline {
  const split = report.rows.some((row) => Array.isArray(row.split));
  const rows = new Map(report.rows.map((row) => [instantKey(row.key), row]));
  const starts = new Set(bucketStarts(range, bucket));
  for (const key of rows.keys()) starts.add(key);

  const buckets = [...starts].sort().map((start): TimelineBucket => {
    const row = rows.get(start);
    const bySource = split
      ? Object.fromEntries((row?.split ?? []).map((part) => [part.key, figuresOf(part)]))
      : null;
    return { start, figures: row ? figuresOf(row) : emptyFigures(), bySource };
  });

  const sources = split
    ? KEY_SOURCES.filter((source) => buckets.some((entry) => (entry.bySource?.[source]?.requests ?? 0) > 0))
    : null;
  return { bucket, buckets, sources };
}

/** A metric of a group's figures; cost stays `null` when unknown. */
export function metricValue(figures: UsageFigures | undefined, metric: UsageMetric): number | null {
  if (!figures) return 0;
  switch (metric) {
    case 'requests':
      return figures.requests;
    case 'tokens':
      return totalTokens(figures);
    case 'cost':
      return figures.costUsd;
  }
}

/** Series colours per key source: distinguishable in grey-scale too (light to dark). */
export const KEY_SOURCE_COLORS: Readonly<Record<KeySource, string>> = {
  user: '#2563eb',
  team: '#0f7a3d',
  server: '#9a5b00',
  request: '#6d28d9',
};

const TOTAL_COLOR = '#2563eb';

/** One bar series for the chart. */
export interface ChartSeries {
  label: string;
  data: Array<number | null>;
  backgroundColor: string;
}

/** What the chart draws: one label per bucket, one series per key source (stacked) or one for the totals. */
export interface ChartFigures {
  labels: string[];
  datasets: ChartSeries[];
}

export function chartFigures(timeline: Timeline, metric: UsageMetric): ChartFigures {
  const labels = timeline.buckets.map((entry) => formatBucket(entry.start, timeline.bucket));
  if (!timeline.sources) {
    return {
      labels,
      datasets: [{ label: USAGE_METRIC_LABELS[metric], data: timeline.buckets.map((entry) => metricValue(entry.figures, metric)), backgroundColor: TOTAL_COLOR }],
    };
  }
  return {
    labels,
    datasets: timeline.sources.map((source) => ({
      label: KEY_SOURCE_LABELS[source],
      data: timeline.buckets.map((entry) => metricValue(entry.bySource?.[source] ?? emptyFigures(), metric)),
      backgroundColor: KEY_SOURCE_COLORS[source],
    })),
  };
}
