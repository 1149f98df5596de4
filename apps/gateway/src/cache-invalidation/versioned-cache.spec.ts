import { describe, expect, it } from 'vitest';
import { VersionedCache } from './versioned-cache.js';

describe(VersionedCache.name, () => {
  it('keeps a value loaded with no invalidation in between', () => {
    const sut = new VersionedCache<string>(10);
    const generation = sut.generation;
    sut.set('a', 'value', generation);
    expect(sut.get('a')).toBe('value');
  });

  it('drops a value whose load raced an invalidation', () => {
    const sut = new VersionedCache<string>(10);
    const generation = sut.generation;
    sut.delete('a'); // a change lands while the loader is reading the old row
    sut.set('a', 'stale', generation);
    expect(sut.get('a')).toBeUndefined();
  });

  it('clears everything and is bounded', () => {
    const sut = new VersionedCache<number>(2);
    for (const [index, key] of ['a', 'b', 'c'].entries()) sut.set(key, index, sut.generation);
    expect(sut.get('a')).toBeUndefined();
    sut.clear();
    expect(sut.get('c')).toBeUndefined();
  });
});
