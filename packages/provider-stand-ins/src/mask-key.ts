/**
 * The most of a key that console output or the HTTP control API ever shows:
 * its last four characters.
 */
export function maskKeyForLogs(key: string): string {
  return key.length <= 4 ? '****' : `****${key.slice(-4)}`;
}
