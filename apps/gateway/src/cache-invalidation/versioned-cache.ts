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

  set(key: string, value: V, generationAtLoad: number): void {
    if (generationAtLoad === this.currentGeneration) this.entries.set(key, value);
  }

  delete(key: string): void {
    this.currentGeneration += 1;
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches (e.g. all of one user's keys); rare, so a scan is fine. */
  deleteWhere(matches: (value: V) => boolean): void {
    this.currentGeneration += 1;
    for (const [key, value] of this.entries.entries()) if (matches(value)) this.entries.delete(key);
  }

  clear(): void {
    this.currentGeneration += 1;
    this.entries.clear();
  }
}
