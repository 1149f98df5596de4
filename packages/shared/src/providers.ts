/** The upstream providers UniRoute routes to, in display order. */
export const PROVIDER_IDS = ['openai', 'anthropic', 'google'] as const;

/** One of the providers UniRoute speaks to. */
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** Human-readable provider names for the settings page and error messages. */
export const PROVIDER_LABELS: Readonly<Record<ProviderId, string>> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  google: 'Google Gemini',
};

/** Type guard for untrusted input (route params, request bodies). */
export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
}

/** Where a request's provider credential came from (`x-uniroute-key-source`); `request` = `x-uniroute-provider-key` (§8). */
export const KEY_SOURCES = ['user', 'team', 'server', 'request'] as const;
export type KeySource = (typeof KEY_SOURCES)[number];
