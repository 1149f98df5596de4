/**
 * A deterministic stand-in embedding: the same model and text always give the same unit vector,
 * different texts give different ones. Values are float32-exact (`Math.fround`), as the real
 * APIs' vectors are, so a vector sent as JSON floats and the same vector sent as base64 float32
 * bytes decode to identical numbers — the property gateway tests compare.
 */
export function embeddingVector(model: string, text: string, dimensions: number): number[] {
  let state = fnv1a(`${model}\u0000${text}`) || 1;
  const values: number[] = [];
  for (let index = 0; index < dimensions; index += 1) {
    // xorshift32: cheap, seedable, good enough to spread values over [-1, 1).
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    values.push(state / 2 ** 31 - 1);
  }
  return normalise(values);
}

/**
 * The first `dimensions` values, scaled back to unit length: how OpenAI's `dimensions` and Gemini's
 * `outputDimensionality` shorten a Matryoshka embedding.
 * @see https://platform.openai.com/docs/guides/embeddings#use-cases
 * @see https://ai.google.dev/gemini-api/docs/embeddings#control-embedding-size
 */
export function shortenEmbedding(values: readonly number[], dimensions: number): number[] {
  return normalise(values.slice(0, dimensions));
}

/** Little-endian float32 bytes in base64: OpenAI's `encoding_format: "base64"`. */
export function float32Base64(values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

function normalise(values: number[]): number[] {
  const length = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  return values.map((value) => Math.fround(value / length));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
