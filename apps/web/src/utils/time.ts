const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absoluteFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 60 * 60],
  ['month', 30 * 24 * 60 * 60],
  ['week', 7 * 24 * 60 * 60],
  ['day', 24 * 60 * 60],
  ['hour', 60 * 60],
  ['minute', 60],
];

/** "3 minutes ago", "yesterday", "just now"; `fallback` for `null` or an unparsable date. */
export function formatRelativeTime(iso: string | null, now: number = Date.now(), fallback = 'Never'): string {
  const time = parseTime(iso);
  if (time === null) return fallback;
  const seconds = Math.round((time - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds / 60) || (seconds < 0 ? -1 : 1), 'minute');
}

/** "Nov 27, 2025, 3:10 PM" for a `title` tooltip; empty for `null`. */
export function formatDateTime(iso: string | null): string {
  const time = parseTime(iso);
  return time === null ? '' : absoluteFormat.format(time);
}

function parseTime(iso: string | null): number | null {
  if (!iso) return null;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : time;
}
