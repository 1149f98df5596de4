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

  constructor(maxEntries: number) {
    this.entries = new LRUCache<string, V>({ max: maxEntries });
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

  clear(): void {
    this.currentGeneration += 1;
    this.entries.clear();
  }
}
