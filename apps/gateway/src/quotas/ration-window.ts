/** Server keys are rationed per calendar minute (fixed windows, as every replica's clock agrees on them). */
export const RATION_WINDOW_MS = 60_000;

/** The minute `now` falls in, as a number every replica computes alike. */
export function rationWindow(now: number = Date.now()): number {
  return Math.floor(now / RATION_WINDOW_MS);
}

/** Whole seconds until the window of `now` ends (at least 1): the `Retry-After` of a refused request. */
export function secondsUntilNextWindow(now: number = Date.now()): number {
  return Math.max(1, Math.ceil((RATION_WINDOW_MS - (now % RATION_WINDOW_MS)) / 1000));
}

/** The outcome of asking for one server-key request. */
export type RationDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Something that counts server-key requests per user and minute against a limit. */
export interface RationCounter {
  take(userId: string): Promise<RationDecision>;
}
