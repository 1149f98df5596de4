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

  it('forgets an entry after its time to live, so an unannounced change is seen', async () => {
    const sut = new VersionedCache<string>(10, 30);
    sut.set('a', 'value', sut.generation);
    expect(sut.get('a')).toBe('value');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sut.get('a')).toBeUndefined();
  });

  it('drops every entry that matches, and a racing load of them', () => {
    const sut = new VersionedCache<{ userId: string }>(10);
    sut.set('k1', { userId: 'u1' }, sut.generation);
    sut.set('k2', { userId: 'u2' }, sut.generation);
    const generation = sut.generation;
    sut.deleteWhere((value) => value.userId === 'u1');
    sut.set('k3', { userId: 'u1' }, generation);
    expect(sut.get('k1')).toBeUndefined();
    expect(sut.get('k3')).toBeUndefined();
    expect(sut.get('k2')).toEqual({ userId: 'u2' });
  });

  describe('getOrLoad', () => {
    function deferred<T>() {
      let resolve!: (value: T) => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<T>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      return { promise, resolve, reject };
    }

    it('shares one load between concurrent misses and caches its value', async () => {
      const sut = new VersionedCache<string>(10);
      const row = deferred<string>();
      let loads = 0;
      const load = () => {
        loads += 1;
        return row.promise;
      };
      const waiting = Array.from({ length: 50 }, () => sut.getOrLoad('a', load));
      row.resolve('value');
      expect(await Promise.all(waiting)).toEqual(Array(50).fill('value'));
      expect(loads).toBe(1);
      expect(sut.get('a')).toBe('value');
    });

    it('does not let a request that came after an invalidation join a load that began before it', async () => {
      const sut = new VersionedCache<string>(10);
      const before = deferred<string>();
      const first = sut.getOrLoad('a', () => before.promise);
      sut.delete('a'); // the row changes while the first load is reading it
      const second = sut.getOrLoad('a', async () => 'after');
      before.resolve('before');
      expect(await first).toBe('before');
      expect(await second).toBe('after');
      expect(sut.get('a')).toBe('after'); // the stale value was not cached over it
    });

    it('caches neither undefined nor a failure, and loads again next time', async () => {
      const sut = new VersionedCache<string>(10);
      expect(await sut.getOrLoad('a', async () => undefined)).toBeUndefined();
      await expect(sut.getOrLoad('a', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
      expect(await sut.getOrLoad('a', async () => 'value')).toBe('value');
    });
  });
});
