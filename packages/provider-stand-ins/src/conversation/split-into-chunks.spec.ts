import { describe, expect, it } from 'vitest';
import { splitIntoChunks } from './split-into-chunks.js';

describe(splitIntoChunks.name, () => {
  it('cuts a text into the requested number of pieces that join back to it', () => {
    const sut = splitIntoChunks('Echo: Hello there', 4);

    expect(sut).toHaveLength(4);
    expect(sut.join('')).toBe('Echo: Hello there');
  });

  it('never splits a code point and never returns empty pieces', () => {
    const sut = splitIntoChunks('a😀b', 10);

    expect(sut).toEqual(['a', '😀', 'b']);
  });

  it('returns no pieces for an empty text', () => {
    expect(splitIntoChunks('', 3)).toEqual([]);
  });
});
