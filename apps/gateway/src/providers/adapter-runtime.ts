/**
 * The two impure things a translator needs: the clock (OpenAI's `created`) and fresh ids (for providers that do
 * not name their completions or tool calls). Injected so fixture tests can pin them.
 */
export interface AdapterRuntime {
  /** Unix time in whole seconds. */
  now(): number;
  /** A fresh random token of letters and digits only, so it can sit inside ids with strict alphabets. */
  randomId(): string;
}

/** The real clock and Web Crypto's UUIDs (the global, not `node:crypto`, which only the crypto module imports). */
export const SYSTEM_RUNTIME: AdapterRuntime = {
  now: () => Math.floor(Date.now() / 1000),
  randomId: () => globalThis.crypto.randomUUID().replaceAll('-', ''),
};

/** Joins a base URL and a path, tolerating a trailing slash on the configured base URL. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}
