import { describe, expect, it } from 'vitest';
import { encodeEmbeddingBase64 } from './encode-embedding.js';

describe(encodeEmbeddingBase64.name, () => {
  it('writes little-endian float32 bytes, which decode (as the openai SDK does) to the float32 values', () => {
    const values = [0.1, -0.25, 1, 0, 3.4028234663852886e38];
    const encoded = encodeEmbeddingBase64(values);
    const bytes = Buffer.from(encoded, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));

    expect(bytes).toHaveLength(20);
    expect(bytes.subarray(4, 8)).toEqual(Buffer.from([0x00, 0x00, 0x80, 0xbe]));
    expect(decoded).toEqual(values.map(Math.fround));
  });

  it('encodes an empty vector as an empty string', () => {
    expect(encodeEmbeddingBase64([])).toBe('');
  });
});
