/**
 * Request latency is rolled up as a histogram so a group's median comes from the hourly rollup, not from
 * millions of raw rows. Upper bounds in milliseconds; the last bucket is everything slower. The reported p50 is
 * interpolated linearly inside the bucket that holds the median, so it is exact to within that bucket's width
 * (e.g. between 500 and 750 ms, ± 125 ms at most; under 100 ms, ± 12.5 ms).
 */
export const LATENCY_BUCKET_BOUNDS_MS = [25, 50, 100, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 20_000, 60_000] as const;
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

export function latencyBucket(latencyMs: number): number {
  for (let index = 0; index < LATENCY_BUCKET_BOUNDS_MS.length; index += 1) {
    if (latencyMs <= LATENCY_BUCKET_BOUNDS_MS[index]!) return index;
  }
  return LATENCY_BUCKET_BOUNDS_MS.length;
}

/** The median of a histogram (counts per bucket), or null when it is empty. */
export function histogramMedian(counts: readonly number[]): number | null {
  const total = counts.reduce((sum, value) => sum + value, 0);
  if (total === 0) return null;
  const half = total / 2;
  let seen = 0;
  for (let index = 0; index < counts.length; index += 1) {
    const inBucket = counts[index] ?? 0;
    if (inBucket > 0 && seen + inBucket >= half) {
      const lower = index === 0 ? 0 : LATENCY_BUCKET_BOUNDS_MS[index - 1]!;
      // The open last bucket has no width to interpolate in: its lower bound is the honest answer.
      if (index >= LATENCY_BUCKET_BOUNDS_MS.length) return lower;
      const upper = LATENCY_BUCKET_BOUNDS_MS[index]!;
      return Math.round(lower + ((half - seen) / inBucket) * (upper - lower));
    }
    seen += inBucket;
  }
  return null;
}
