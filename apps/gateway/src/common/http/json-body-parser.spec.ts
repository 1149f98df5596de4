import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-body-parser.js';
import { findUnstorableText, hasUnstorableCharacters } from './unstorable-text.js';

describe(nestsDeeperThan.name, () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('allows exactly the limit and refuses one level more', () => {
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(JSON.stringify({ text: '['.repeat(500) }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ text: '"\\[[[[' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify([[['\\']]]), 2)).toBe(true);
  });

  it('counts siblings as the same level', () => {
    expect(nestsDeeperThan(JSON.stringify(Array.from({ length: 1_000 }, () => [[1]])), 3)).toBe(false);
  });
});

describe(findUnstorableText.name, () => {
  it('finds NUL and lone surrogates in values and keys, naming the field', () => {
    expect(findUnstorableText({ name: 'a\u0000b' })).toBe('name');
    expect(findUnstorableText({ items: [{ label: 'ok' }, { label: '\ud800' }] })).toBe('items.1.label');
    expect(findUnstorableText({ ['k\u0000']: 1 })).toBe('k?');
    expect(findUnstorableText('\udc00')).toBe('body');
  });

  it('accepts paired surrogates (emoji) and everything else', () => {
    expect(findUnstorableText({ name: '\ud83d\ude00 é \u202e', count: 1, flag: null, list: [true] })).toBeUndefined();
    expect(hasUnstorableCharacters('\ud83d\ude00')).toBe(false);
    expect(hasUnstorableCharacters('\ude00\ud83d')).toBe(true);
  });
});
