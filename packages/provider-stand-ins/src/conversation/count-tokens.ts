/**
 * The stand-ins' "tokenizer": one token per whitespace-separated word. Crude,
 * but deterministic and the same for JSON answers and streams, which is what
 * usage tests need.
 */
export function countTokens(text: string): number {
  const words = text.match(/\S+/g);
  return words === null ? 0 : words.length;
}

/** The first `limit` words of a text, keeping the spacing between them. */
export function firstWords(text: string, limit: number): string {
  if (limit <= 0) return '';
  const words = text.match(/\s*\S+/g) ?? [];
  return words.slice(0, limit).join('').trimStart();
}
