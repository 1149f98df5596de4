/** Resolves after `milliseconds`; callers skip it for 0 so fast paths stay synchronous. */
export function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
