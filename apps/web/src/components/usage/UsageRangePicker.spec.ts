import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { presetRange, type UsageRange } from '@/utils/usage-range';
import UsageRangePicker from './UsageRangePicker.vue';

const NOW = new Date('2026-12-04T18:25:30.000Z');

let wrapper: VueWrapper | undefined;

function mountSut(modelValue: UsageRange = presetRange('7d', NOW)): VueWrapper {
  wrapper = mount(UsageRangePicker, { props: { modelValue, now: () => NOW } });
  return wrapper;
}

function emitted(sut: VueWrapper): UsageRange[] {
  return (sut.emitted('update:modelValue') ?? []).map(([range]) => range as UsageRange);
}

describe('UsageRangePicker', () => {
  afterEach(() => wrapper?.unmount());

  it.each([
    ['24h', '2026-12-03T18:25:30.000Z'],
    ['7d', '2026-11-27T18:25:30.000Z'],
    ['30d', '2026-11-04T18:25:30.000Z'],
    ['90d', '2026-09-05T18:25:30.000Z'],
  ] as const)('the %s preset asks for the window ending now', async (preset, from) => {
    const sut = mountSut();

    await sut.get(`[data-testid="usage-range-${preset}"]`).trigger('click');

    expect(emitted(sut)).toEqual([{ preset, from, to: '2026-12-04T18:25:30.000Z' }]);
  });

  it('marks the preset shown as pressed', () => {
    const sut = mountSut(presetRange('30d', NOW));

    expect(sut.get('[data-testid="usage-range-30d"]').attributes('aria-pressed')).toBe('true');
    expect(sut.get('[data-testid="usage-range-7d"]').attributes('aria-pressed')).toBe('false');
    expect(sut.get('[data-testid="usage-range-30d"]').text()).toContain('Last 30 days');
  });

  it('a custom range covers whole UTC days, the end day included', async () => {
    const sut = mountSut();

    await sut.get('[data-testid="usage-range-custom"]').trigger('click');
    // It opens on the range shown.
    expect((sut.get('[data-testid="usage-range-from"]').element as HTMLInputElement).value).toBe('2026-11-27');
    expect((sut.get('[data-testid="usage-range-to"]').element as HTMLInputElement).value).toBe('2026-12-04');
    await sut.get('[data-testid="usage-range-from"]').setValue('2026-11-01');
    await sut.get('[data-testid="usage-range-to"]').setValue('2026-11-15');
    await sut.get('[data-testid="usage-range-custom-form"]').trigger('submit');

    expect(emitted(sut)).toEqual([{ preset: 'custom', from: '2026-11-01T00:00:00.000Z', to: '2026-11-16T00:00:00.000Z' }]);
  });

  it('refuses an end before the start, and says so', async () => {
    const sut = mountSut();

    await sut.get('[data-testid="usage-range-custom"]').trigger('click');
    await sut.get('[data-testid="usage-range-from"]').setValue('2026-11-15');
    await sut.get('[data-testid="usage-range-to"]').setValue('2026-11-01');
    await sut.get('[data-testid="usage-range-custom-form"]').trigger('submit');

    expect(emitted(sut)).toEqual([]);
    expect(sut.get('[data-testid="usage-range-error"]').text()).toBe('The end date is before the start date.');
  });
});
