import { LRUCache } from 'lru-cache';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { MetricsService } from '../metrics/metrics.service.js';

const WINDOW_MS = 60_000;
/** Client networks counted at once: a spray from more networks than this only evicts the oldest counts. */
const MAX_NETWORKS = 50_000;

const NOTHING_TO_REFUND = (): void => undefined;

interface NetworkFailures {
  failures: number;
  readonly resetAt: number;
}

/**
 * `API_KEY_FAILURES_PER_MINUTE` (§12): database lookups of `ur_` keys that turned out to be no valid key, per client
 * network, in memory on each replica. Without it a stranger spraying random keys cost one query each, as fast as they
 * could send them, on the pool every user's requests wait on. It protects the database, so it accounts for nothing
 * and a replica's count is its own. A lookup is counted before it starts (a burst sent at once cannot pass together)
 * and given back when the key was valid.
 */
export class ApiKeyFailureLimiter {
  private readonly networks = new LRUCache<string, NetworkFailures>({ max: MAX_NETWORKS });

  /** `limit` 0: no limit. */
  constructor(
    private readonly limit: number,
    private readonly metrics: Pick<MetricsService, 'limitRejected'>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one lookup from `network`, or throws the `429` once the network has used up its minute. Returns what gives
   * the count back (the key was valid, or the lookup failed): only to the window it was taken from.
   */
  admit(network: string): () => void {
    if (this.limit === 0) return NOTHING_TO_REFUND;
    const now = this.now();
    let entry = this.networks.get(network);
    if (!entry || entry.resetAt <= now) {
      entry = { failures: 0, resetAt: now + WINDOW_MS };
      this.networks.set(network, entry);
    }
    if (entry.failures >= this.limit) {
      this.metrics.limitRejected('api_key_failures');
      const retryAfterSeconds = Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
      throw new GatewayError(
        'rate_limit_exceeded',
        `Too many invalid UniRoute API keys from your network: at most ${this.limit} per minute (API_KEY_FAILURES_PER_MINUTE). Retry in ${retryAfterSeconds} s.`,
        { headers: { 'retry-after': String(retryAfterSeconds) } },
      );
    }
    entry.failures += 1;
    const counted = entry;
    return () => {
      if (counted.failures > 0) counted.failures -= 1;
    };
  }
}
