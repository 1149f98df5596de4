import { describe, expect, it } from 'vitest';
import { maskKeyLikeOpenAI } from './mask-key-like-openai.js';

describe(maskKeyLikeOpenAI.name, () => {
  it('keeps the first eight and last four characters of a long key', () => {
    const sut = maskKeyLikeOpenAI('sk-proj-abcdefghijklmnopwxyz');

    expect(sut).toBe('sk-proj-****************wxyz');
  });

  it('hides most of a short key', () => {
    const sut = maskKeyLikeOpenAI('sk-abcdwxyz');

    expect(sut).toBe('sk*******yz');
  });
});
