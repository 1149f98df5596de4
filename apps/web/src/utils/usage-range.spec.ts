import { describe, expect, it } from 'vitest';
import { bucketStarts, customRange, lastUtcDate, presetRange, timeBucketFor } from './usage-range';

const NOW = new Date('2026-12-04T18:25:30.000Z');

describe('presetRange', () => {
  it.each([
    ['24h', '2026-12-03T18:25:30.000Z'],
    ['7d', '2026-11-27T18:25:30.000Z'],
    ['30d', '2026-11-04T18:25:30.000Z'],
    ['90d', '2026-09-05T18:25:30.000Z'],
  ] as const)('%s is the rolling window ending now', (preset, from) => {
    expect(presetRange(preset, NOW)).toEqual({ preset, from, to: '2026-12-04T18:25:30.000Z' });
  });
});

describe('customRange', () => {
  it('covers whole UTC days, both ends included (to is the next midnight)', () => {
    expect(customRange('2026-11-01', '2026-11-03')).toEqual({
      preset: 'custom',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-04T00:00:00.000Z',
    });
  });

  it('accepts a single day', () => {
    const range = customRange('2026-11-01', '2026-11-01');
    expect(range).toEqual({ preset: 'custom', from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' });
    expect(lastUtcDate(range as Exclude<typeof range, { error: string }>)).toBe('2026-11-01');
  });

  it('refuses an end before the start, and missing dates', () => {
    expect(customRange('2026-11-03', '2026-11-01')).toEqual({ error: 'The end date is before the start date.' });
    expect(customRange('', '2026-11-01')).toEqual({ error: 'Pick a start and an end date.' });
    expect(customRange('2026-13-45', '2026-11-01')).toEqual({ error: 'Pick a start and an end date.' });
  });
});

describe('timeBucketFor', () => {
  it('uses hours up to two days and days beyond', () => {
    expect(timeBucketFor(presetRange('24h', NOW))).toBe('hour');
    expect(timeBucketFor({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' })).toBe('hour');
    expect(timeBucketFor({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-04T00:00:00.000Z' })).toBe('day');
    expect(timeBucketFor(presetRange('7d', NOW))).toBe('day');
  });
});

describe('bucketStarts', () => {
  it('lists every UTC day the range touches, the partial first and last included', () => {
    expect(bucketStarts(presetRange('7d', NOW), 'day')).toEqual([
      '2026-11-27T00:00:00.000Z',
      '2026-11-28T00:00:00.000Z',
      '2026-11-29T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2026-12-02T00:00:00.000Z',
      '2026-12-03T00:00:00.000Z',
      '2026-12-04T00:00:00.000Z',
    ]);
  });

  it('stops before an exclusive end on a bucket edge', () => {
    expect(bucketStarts({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' }, 'day')).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
    ]);
  });

  it('lists hours for 24 h', () => {
    const starts = bucketStarts(presetRange('24h', NOW), 'hour');
    expect(starts).toHaveLength(25);
    expect(starts[0]).toBe('2026-12-03T18:00:00.000Z');
    expect(starts.at(-1)).toBe('2026-12-04T18:00:00.000Z');
  });
});
