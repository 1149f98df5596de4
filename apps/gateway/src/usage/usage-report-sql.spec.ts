import { USAGE_REPORT_MAX_GROUPS } from '@uniroute/shared';
import { describe, expect, it } from 'vitest';
import { reportParams } from './usage-report-sql.js';

describe('reportParams', () => {
  it('splits a range into whole UTC days and the hours around them', () => {
    const params = reportParams('day', 'u', new Date('2026-01-01T05:00:00Z'), new Date('2026-01-04T03:00:00Z'));
    expect(params).toEqual(['u', '2026-01-01T05:00:00.000Z', '2026-01-04T03:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-04T00:00:00.000Z']);
  });

  it('reads hours only for a range without a whole day, and for groupBy=hour', () => {
    const from = new Date('2026-01-01T05:00:00Z');
    const to = new Date('2026-01-02T03:00:00Z');
    expect(reportParams('model', 'u', from, to).slice(3, 5)).toEqual([from.toISOString(), from.toISOString()]);
    expect(reportParams('hour', 'u', from, to)).toHaveLength(3);
  });

  it('limits the groups of the groupings a range does not bound, and only those', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-01-31T00:00:00Z');
    for (const groupBy of ['provider', 'model', 'apiKey', 'keySource'] as const) expect(reportParams(groupBy, 'u', from, to)[5]).toBe(String(USAGE_REPORT_MAX_GROUPS));
    expect(reportParams('day', 'u', from, to)).toHaveLength(5);
  });
});
