import { LRUCache } from 'lru-cache';

/**
 * A bounded in-memory cache for data that other requests (or replicas) may invalidate. Every
 * invalidation bumps `generation`; a loader reads it before going to the database and `set` drops
 * the value if anything was invalidated meanwhile, so a lookup that raced a change never
 * re-caches what it read before the change.
 */
export class VersionedCache<V extends {}> {
  private readonly entries: LRUCache<string, V>;
  private currentGeneration = 0;
  /** Loads under way, by key: concurrent misses share one. */
  private readonly loading = new Map<string, Promise<V | undefined>>();

  /** `ttlMs`: an entry older than this is gone, so a change nobody announced is seen within it. */
  constructor(maxEntries: number, ttlMs?: number) {
    this.entries = new LRUCache<string, V>(ttlMs ? { max: maxEntries, ttl: ttlMs } : { max: maxEntries });
  }

  get generation(): number {
    return this.currentGeneration;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Whether a load of `key` is under way: `getOrLoad` called now joins it and costs no query of its own. */
  isLoading(key: string): boolean {
    return this.loading.has(key);
  }

  /**
   * The cached value, else what `load` returns (cached unless an invalidation came in meanwhile; `undefined` is
   * not cached). One load per key at a time: when a cold gateway gets a burst — a restart under load, 2,000 streams
   * opened at once — the concurrent misses wait for the same query instead of each queueing their own on the pool.
   * A request that arrives after an invalidation does not join a load that began before it.
   */
  getOrLoad(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.entries.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.currentGeneration;
    const loaded = Promise.resolve()
      .then(load)
      .then((value) => {
        if (value !== undefined) this.set(key, value, generation);
        return value;
      });
    this.loading.set(key, loaded);
    const forget = () => {
      if (this.loading.get(key) === loaded) this.loading.delete(key);
    };
    loaded.then(forget, forget);
    return loaded;
  }

  set(key: string, value: V, generationAtLoad: number): void {
    if (generationAtLoad === this.currentGeneration) this.entries.set(key, value);
  }

  delete(key: string): void {
    this.currentGeneration += 1;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  /** Drops every entry whose value matches (e.g. all of one user's keys); rare, so a scan is fine. */
  deleteWhere(matches: (value: V) => boolean): void {
    this.currentGeneration += 1;
    for (const [key, value] of this.entries.entries()) if (matches(value)) this.entries.delete(key);
    this.loading.clear(); // what a load under way will return is unknown yet: none is joined any more
  }

  clear(): void {
    this.currentGeneration += 1;
    this.entries.clear();
    this.loading.clear();
  }
}
