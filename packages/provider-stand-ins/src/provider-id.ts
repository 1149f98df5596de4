/** The three upstream APIs the stand-ins imitate, in display order. */
export const STAND_IN_PROVIDERS = ['openai', 'anthropic', 'google'] as const;

/** One of the imitated providers; also the first path segment of its stand-in. */
export type StandInProvider = (typeof STAND_IN_PROVIDERS)[number];

/** Type guard for untrusted input (control endpoint bodies and route params). */
export function isStandInProvider(value: unknown): value is StandInProvider {
  return typeof value === 'string' && (STAND_IN_PROVIDERS as readonly string[]).includes(value);
}
