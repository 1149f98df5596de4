/**
 * Splits a text into at most `count` consecutive pieces of nearly equal length,
 * by code point so no emoji or accented letter is cut in half. Joining the
 * pieces gives back the text exactly.
 */
export function splitIntoChunks(text: string, count: number): string[] {
  const characters = Array.from(text);
  if (characters.length === 0) return [];
  const pieces = Math.max(1, Math.min(Math.floor(count), characters.length));
  const chunks: string[] = [];
  for (let index = 0; index < pieces; index += 1) {
    const start = Math.floor((index * characters.length) / pieces);
    const end = Math.floor(((index + 1) * characters.length) / pieces);
    chunks.push(characters.slice(start, end).join(''));
  }
  return chunks;
}
