/** The date ranges the Usage page offers, and the `from`/`to` (ISO instants) it asks the API for. */

export const USAGE_RANGE_PRESETS = ['24h', '7d', '30d', '90d'] as const;
export type UsageRangePreset = (typeof USAGE_RANGE_PRESETS)[number];

/** The range picker's buttons, in its words. */
export const USAGE_RANGE_PRESET_LABELS: Readonly<Record<UsageRangePreset, string>> = {
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
  '90d': '90 d',
};

/** Long form, for headings and the provider cards ("Last 30 days"). */
export const USAGE_RANGE_PRESET_TITLES: Readonly<Record<UsageRangePreset, string>> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const PRESET_DURATION_MS: Readonly<Record<UsageRangePreset, number>> = {
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '90d': 90 * DAY_MS,
};

/** What the page shows: a rolling preset, or whole UTC days picked by hand. */
export interface UsageRange {
  preset: UsageRangePreset | 'custom';
  /** ISO instant, inclusive. */
  from: string;
  /** ISO instant, exclusive. */
  to: string;
}

/** A rolling window ending now: "24 h" is the last 24 hours, not "since midnight". */
export function presetRange(preset: UsageRangePreset, now: Date = new Date()): UsageRange {
  return {
    preset,
    from: new Date(now.getTime() - PRESET_DURATION_MS[preset]).toISOString(),
    to: now.toISOString(),
  };
}

/** `YYYY-MM-DD` as typed into a date input. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Whole days from `fromDate` to `toDate`, both included, in UTC — the same days the API's `groupBy=day`
 * buckets count (so the chart's first and last bars are full days). Returns a reason instead when the
 * dates can't make a range.
 */
export function customRange(fromDate: string, toDate: string): UsageRange | { error: string } {
  if (!DATE_ONLY.test(fromDate) || !DATE_ONLY.test(toDate)) return { error: 'Pick a start and an end date.' };
  const from = Date.parse(`${fromDate}T00:00:00.000Z`);
  const lastDay = Date.parse(`${toDate}T00:00:00.000Z`);
  if (Number.isNaN(from) || Number.isNaN(lastDay)) return { error: 'Pick a start and an end date.' };
  if (lastDay < from) return { error: 'The end date is before the start date.' };
  return { preset: 'custom', from: new Date(from).toISOString(), to: new Date(lastDay + DAY_MS).toISOString() };
}

/** The `YYYY-MM-DD` (UTC) of an instant, to prefill the date inputs. */
export function utcDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** The last day a range covers, as a date input shows it (`to` is exclusive). */
export function lastUtcDate(range: UsageRange): string {
  return utcDate(new Date(Date.parse(range.to) - 1).toISOString());
}

/** Hours for two days or less, days beyond: enough bars to read, never thousands. */
export function timeBucketFor(range: Pick<UsageRange, 'from' | 'to'>): 'hour' | 'day' {
  return Date.parse(range.to) - Date.parse(range.from) <= 2 * DAY_MS ? 'hour' : 'day';
}

/**
 * Every bucket start (ISO instant, UTC) from the one holding `from` to the one holding the last instant
 * before `to`, so days without traffic still get their (empty) bar.
 */
export function bucketStarts(range: Pick<UsageRange, 'from' | 'to'>, bucket: 'hour' | 'day'): string[] {
  const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
  const first = Math.floor(Date.parse(range.from) / size) * size;
  const last = Math.floor((Date.parse(range.to) - 1) / size) * size;
  const starts: string[] = [];
  // Bounded: a range picked by hand is limited to what a date input allows, and the API keeps 90 days.
  for (let time = first; time <= last && starts.length < 10_000; time += size) starts.push(new Date(time).toISOString());
  return starts;
}
