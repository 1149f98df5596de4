import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKET_BOUNDS_MS, LATENCY_BUCKET_COUNT, histogramMedian, latencyBucket } from './latency-histogram.js';

describe('latency histogram', () => {
  it('puts a latency in the first bucket whose upper bound holds it, the slowest in the open last one', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(25)).toBe(0);
    expect(latencyBucket(26)).toBe(1);
    expect(latencyBucket(600)).toBe(LATENCY_BUCKET_BOUNDS_MS.indexOf(750));
    expect(latencyBucket(1e9)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it('interpolates the median inside its bucket; null when empty', () => {
    const counts = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    expect(histogramMedian(counts)).toBeNull();
    counts[latencyBucket(600)] = 10; // all between 500 and 750 ms
    expect(histogramMedian(counts)).toBe(625);
    counts[0] = 30; // now most are under 25 ms
    expect(histogramMedian(counts)).toBeLessThanOrEqual(25);
  });
});
