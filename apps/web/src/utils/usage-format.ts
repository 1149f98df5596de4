import { PROVIDER_LABELS, isProviderId, type KeySource, type UsageFigures } from '@uniroute/shared';

/** How each key source reads on the Usage page (§8, §9: `x-uniroute-key-source`). */
export const KEY_SOURCE_LABELS: Readonly<Record<KeySource, string>> = {
  user: 'Your keys',
  team: 'Team keys',
  server: 'Server key',
  request: 'Per-request key',
};

/** The key source's label, or the raw value for one this SPA does not know yet. */
export function keySourceLabel(source: string): string {
  return (KEY_SOURCE_LABELS as Record<string, string>)[source] ?? source;
}

/** The provider's name, or the raw id. */
export function providerLabel(provider: string): string {
  return isProviderId(provider) ? PROVIDER_LABELS[provider] : provider;
}

const countFormat = new Intl.NumberFormat('en');
const compactFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const usdFormat = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const centsUsdFormat = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const tinyUsdFormat = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 });

/** "—" where the figure is unknown (`null`): a missing price is not a zero cost. */
export const UNKNOWN = '—';

/** "12,345". */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** "12.3K" for tight spaces (the provider cards); the exact figure goes in a `title`. */
export function formatCompact(value: number): string {
  return compactFormat.format(value);
}

/**
 * An estimated cost in USD: "$1.23", "$0.0123", "$0.00042" (one request costs a fraction of a cent, so
 * small sums keep their first digits), "—" when no request in the group had a known price.
 */
export function formatUsd(value: number | null): string {
  if (value === null) return UNKNOWN;
  const size = Math.abs(value);
  if (size === 0 || size >= 1) return usdFormat.format(value);
  return size < 0.01 ? tinyUsdFormat.format(value) : centsUsdFormat.format(value);
}

/** "840 ms", "2.4 s", "—". */
export function formatLatency(milliseconds: number | null): string {
  if (milliseconds === null) return UNKNOWN;
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

/** Prompt plus completion tokens (cached tokens are part of the prompt's). */
export function totalTokens(figures: Pick<UsageFigures, 'promptTokens' | 'completionTokens'>): number {
  return figures.promptTokens + figures.completionTokens;
}

const dayFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const hourFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

/** A bucket's label: "Dec 4" or "Dec 4, 14:00", in UTC like the API's buckets. */
export function formatBucket(iso: string, bucket: 'hour' | 'day'): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return (bucket === 'hour' ? hourFormat : dayFormat).format(time);
}
