import type { LocationQueryValue } from 'vue-router';

/**
 * The `?redirect=` target after login, only if it is a path inside this app:
 * `//evil.example` or `https://…` would turn the login page into an open redirect.
 */
export function safeRedirect(value: LocationQueryValue | LocationQueryValue[] | undefined): string | null {
  const candidate = Array.isArray(value) ? value[0] : value;
  if (typeof candidate !== 'string') return null;
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return null;
  if (candidate.startsWith('/login') || candidate.startsWith('/register')) return null;
  return candidate;
}
