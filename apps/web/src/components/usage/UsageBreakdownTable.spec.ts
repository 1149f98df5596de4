import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import type { UsageReport, UsageRow } from '@uniroute/shared';
import { usageFigures, usageReport, usageRow } from '@/testing/fixtures';
import UsageBreakdownTable from './UsageBreakdownTable.vue';

let wrapper: VueWrapper | undefined;

function mountSut(report: UsageReport): VueWrapper {
  wrapper = mount(UsageBreakdownTable, {
    props: { report, title: 'By model', groupHeader: 'Model', nameOf: (row: UsageRow) => row.label ?? row.key, testId: 'by-model' },
  });
  return wrapper;
}

const cell = (row: ReturnType<VueWrapper['get']>, column: string): string => row.get(`[data-column="${column}"]`).text();

describe('UsageBreakdownTable', () => {
  afterEach(() => wrapper?.unmount());

  it('lists each group and, under them, the totals the API returned', () => {
    const sut = mountSut(
      usageReport('model', [
        usageRow('gpt-4o-mini', { requests: 1200, errors: 3, promptTokens: 40_000, completionTokens: 2_500, costUsd: 0.0123, p50LatencyMs: 840 }),
        usageRow('claude-3-5-haiku', { requests: 7, promptTokens: 700, completionTokens: 70, costUsd: 0.5, p50LatencyMs: 2400 }),
      ]),
    );

    const rows = sut.findAll('[data-testid="by-model-row"]');
    expect(rows.map((row) => cell(row, 'name'))).toEqual(['gpt-4o-mini', 'claude-3-5-haiku']);
    expect(cell(rows[0]!, 'requests')).toBe('1,200');
    expect(rows[0]!.get('[data-figure="total"]').text()).toBe('42,500');
    expect(rows[0]!.get('[data-figure="inOut"]').text()).toBe('40,000 in · 2,500 out');
    expect(cell(rows[0]!, 'cost')).toBe('$0.0123');
    expect(cell(rows[1]!, 'latency')).toBe('2.4 s');

    const totals = sut.get('[data-testid="by-model-totals"]');
    expect(cell(totals, 'requests')).toBe('1,207');
    expect(cell(totals, 'errors')).toBe('3');
    expect(totals.get('[data-figure="total"]').text()).toBe('43,270');
    expect(totals.get('[data-figure="inOut"]').text()).toBe('40,700 in · 2,570 out');
    expect(cell(totals, 'cost')).toBe('$0.5123');
  });

  it("shows the API's totals, not a sum of the rows it listed", () => {
    const sut = mountSut(usageReport('model', [usageRow('gpt-4o-mini', { requests: 2 })], { totals: usageFigures({ requests: 9, costUsd: 1.5 }) }));

    expect(cell(sut.get('[data-testid="by-model-totals"]'), 'requests')).toBe('9');
    expect(cell(sut.get('[data-testid="by-model-totals"]'), 'cost')).toBe('$1.50');
  });

  it('sums the groups past the API\'s limit in one row, above the totals', () => {
    const rest = { groups: 150, ...usageFigures({ requests: 11_325, errors: 4, promptTokens: 1_500, completionTokens: 750, costUsd: null }) };
    const sut = mountSut(usageReport('model', [usageRow('gpt-4o-mini', { requests: 20_000 })], { rest, totals: usageFigures({ requests: 31_325 }) }));

    const row = sut.get('[data-testid="by-model-rest"]');
    expect(cell(row, 'name')).toBe('150 others');
    expect(cell(row, 'requests')).toBe('11,325');
    expect(cell(row, 'errors')).toBe('4');
    expect(row.get('[data-figure="inOut"]').text()).toBe('1,500 in · 750 out');
    expect(cell(row, 'cost')).toBe('—');
    expect(cell(sut.get('[data-testid="by-model-totals"]'), 'requests')).toBe('31,325');
  });

  it('keeps a group named like the summed row apart from it (model names are the callers\' own strings)', () => {
    const rest = { groups: 3, ...usageFigures({ requests: 3 }) };
    const sut = mountSut(usageReport('model', [usageRow('rest', { requests: 9 }), usageRow('(rest)', { requests: 8 })], { rest }));

    expect(sut.findAll('[data-testid="by-model-row"]').map((row) => cell(row, 'name'))).toEqual(['rest', '(rest)']);
    expect(cell(sut.get('[data-testid="by-model-rest"]'), 'requests')).toBe('3');
  });

  it('has no such row when the API listed every group', () => {
    expect(mountSut(usageReport('model', [usageRow('gpt-4o-mini', { requests: 2 })])).find('[data-testid="by-model-rest"]').exists()).toBe(false);
  });

  it('shows "—" for an unknown price, never $0', () => {
    const sut = mountSut(usageReport('model', [usageRow('my-finetune', { requests: 2, costUsd: null })]));

    expect(cell(sut.get('[data-testid="by-model-row"]'), 'cost')).toBe('—');
    expect(cell(sut.get('[data-testid="by-model-totals"]'), 'cost')).toBe('—');
  });

  it('says when the range has no requests', () => {
    const sut = mountSut(usageReport('model', []));

    expect(sut.get('[data-testid="by-model-empty"]').text()).toBe('No requests in this range.');
    expect(sut.find('table').exists()).toBe(false);
  });
});
