import { LRUCache } from 'lru-cache';
import { GatewayError } from '../common/errors/gateway-error.js';
import { SITE_BUDGET_FACTOR, type clientNetworks } from '../auth/client-network.js';
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
  /** IPv6 /48s, apart from the /64s: a spray of fresh /64s cannot evict a site's count. */
  private readonly sites = new LRUCache<string, NetworkFailures>({ max: MAX_NETWORKS });

  /** `limit` 0: no limit. */
  constructor(
    private readonly limit: number,
    private readonly metrics: Pick<MetricsService, 'limitRejected'>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one lookup from the client's network (and its IPv6 /48, which gets SITE_BUDGET_FACTOR networks' worth), or
   * throws the `429` once either has used up its minute. Returns what gives the count back (the key was valid, or the
   * lookup failed): only to the windows it was taken from.
   */
  admit(client: ReturnType<typeof clientNetworks>): () => void {
    if (this.limit === 0) return NOTHING_TO_REFUND;
    const now = this.now();
    // The site first, and nothing stored for a refused lookup: refused requests are free to send, and were each to
    // store its /64, one /48 could churn the table until another site's count was evicted and began again.
    const site = client.site === undefined ? undefined : this.current(this.sites, client.site, now);
    if (site && site.failures >= this.limit * SITE_BUDGET_FACTOR) this.refuse(site, now, `${this.limit * SITE_BUDGET_FACTOR} per minute from your IPv6 /48`);
    const network = this.current(this.networks, client.network, now);
    if (network.failures >= this.limit) this.refuse(network, now, `${this.limit} per minute`);
    network.failures += 1;
    if (site) site.failures += 1;
    return () => {
      if (network.failures > 0) network.failures -= 1;
      if (site && site.failures > 0) site.failures -= 1;
    };
  }

  /** The count of `key` in its current window, started (and stored) when there is none. */
  private current(store: LRUCache<string, NetworkFailures>, key: string, now: number): NetworkFailures {
    let entry = store.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { failures: 0, resetAt: now + WINDOW_MS };
      store.set(key, entry);
    }
    return entry;
  }

  private refuse(entry: NetworkFailures, now: number, allowance: string): never {
    this.metrics.limitRejected('api_key_failures');
    const retryAfterSeconds = Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
    throw new GatewayError(
      'rate_limit_exceeded',
      `Too many invalid UniRoute API keys from your network: at most ${allowance} (API_KEY_FAILURES_PER_MINUTE). Retry in ${retryAfterSeconds} s.`,
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    );
  }
}
