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

/**
 * The outcome of asking for one server-key request: allowed, refused because the user's minute is used up, or
 * refused because the count could not be read (`unavailable`: the shared table did not answer). Refusing then keeps
 * the operator's keys within the limit; saying why keeps a user from being told they used a minute they did not.
 */
export type RationDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number; readonly unavailable?: true };

/** How soon a request refused for want of a count may try again. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** Something that counts server-key requests per user and minute against a limit. */
export interface RationCounter {
  take(userId: string): Promise<RationDecision>;
}
