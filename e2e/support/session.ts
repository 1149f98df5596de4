import { readFileSync } from 'node:fs';
import { AUTH_FILE } from './paths.js';

/** The session token auth.setup.ts saved, for arranging state (or reading it) through the API. */
export function sessionToken(): string {
  const state = JSON.parse(readFileSync(AUTH_FILE, 'utf8')) as { origins: Array<{ localStorage: Array<{ name: string; value: string }> }> };
  const entry = state.origins.flatMap((origin) => origin.localStorage).find((item) => item.name === 'uniroute.session');
  if (!entry) throw new Error(`no uniroute.session in ${AUTH_FILE}`);
  return (JSON.parse(entry.value) as { accessToken: string }).accessToken;
}
