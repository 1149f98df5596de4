/**
 * A vector as OpenAI sends it for `encoding_format: "base64"`: the values as little-endian float32 bytes,
 * base64-encoded. The `openai` SDKs ask for this by default and decode it into a float array, so a provider
 * that only returns JSON numbers (Gemini) must be encoded here.
 * @see https://platform.openai.com/docs/api-reference/embeddings/create#embeddings-create-encoding_format
 */
export function encodeEmbeddingBase64(values: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(values.length * 4);
  for (let index = 0; index < values.length; index += 1) bytes.writeFloatLE(values[index] as number, index * 4);
  return bytes.toString('base64');
}
