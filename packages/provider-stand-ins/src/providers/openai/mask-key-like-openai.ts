/**
 * Masks a rejected key the way OpenAI's 401 message does: the first eight
 * characters, a star for each hidden one, the last four (`sk-proj-****…MxYA`).
 * Keys of twelve characters or fewer show a quarter at each end, so the stars
 * still hide most of them.
 */
export function maskKeyLikeOpenAI(key: string): string {
  const visible = key.length > 12 ? { prefix: 8, suffix: 4 } : { prefix: Math.floor(key.length / 4), suffix: Math.floor(key.length / 4) };
  const hidden = key.length - visible.prefix - visible.suffix;
  return `${key.slice(0, visible.prefix)}${'*'.repeat(hidden)}${key.slice(key.length - visible.suffix)}`;
}
