import { Redis } from 'ioredis';
import { RATION_WINDOW_MS, rationWindow, secondsUntilNextWindow, type RationCounter, type RationDecision } from './ration-window.js';

const KEY_PREFIX = 'uniroute:server-key-rpm';

/**
 * Server-key rationing with Redis (`REDIS_URL`): one atomic counter per user and minute, INCR and EXPIRE
 * pipelined in one round trip, so every replica sees the same count at once. Fails fast when Redis is
 * unreachable (no offline queue): the caller then falls back to the database leases.
 */
export class RedisRation implements RationCounter {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly limit: number,
    onError: (error: Error) => void,
  ) {
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000, connectTimeout: 2_000 });
    // Without a listener ioredis prints every connection error to stderr, with the URL.
    this.redis.on('error', onError);
  }

  async take(userId: string): Promise<RationDecision> {
    const key = `${KEY_PREFIX}:${userId}:${rationWindow()}`;
    const results = await this.redis.multi().incr(key).pexpire(key, RATION_WINDOW_MS * 2).exec();
    const [incrError, count] = results?.[0] ?? [new Error('empty Redis reply'), null];
    if (incrError) throw incrError;
    return Number(count) <= this.limit ? { allowed: true } : { allowed: false, retryAfterSeconds: secondsUntilNextWindow() };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
