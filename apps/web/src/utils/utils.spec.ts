import { describe, expect, it } from 'vitest';
import { safeRedirect } from './redirect';
import { formatRelativeTime } from './time';

describe(safeRedirect.name, () => {
  it('keeps paths inside the app', () => {
    expect(safeRedirect('/settings/api-keys?x=1')).toBe('/settings/api-keys?x=1');
  });

  it('refuses anything that leaves the app or loops back to login', () => {
    for (const value of ['//evil.example', 'https://evil.example', '/\\evil.example', '/login', undefined, null]) {
      expect(safeRedirect(value)).toBeNull();
    }
  });
});

describe(formatRelativeTime.name, () => {
  const now = Date.parse('2025-06-01T12:00:00.000Z');

  it('formats past times in words', () => {
    expect(formatRelativeTime('2025-06-01T11:59:50.000Z', now)).toBe('just now');
    expect(formatRelativeTime('2025-06-01T11:55:00.000Z', now)).toBe('5 minutes ago');
    expect(formatRelativeTime('2025-06-01T09:00:00.000Z', now)).toBe('3 hours ago');
    expect(formatRelativeTime('2025-05-31T12:00:00.000Z', now)).toBe('yesterday');
    expect(formatRelativeTime('2024-06-01T12:00:00.000Z', now)).toBe('last year');
  });

  it('uses the fallback for a missing date', () => {
    expect(formatRelativeTime(null, now)).toBe('Never');
    expect(formatRelativeTime('not a date', now, 'Unknown')).toBe('Unknown');
  });
});
