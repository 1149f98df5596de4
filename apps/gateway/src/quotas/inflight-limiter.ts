import type { ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';

/**
 * `MAX_INFLIGHT_PER_USER` (§12): each user's concurrent gateway requests on this replica, from the request's
 * start to the end of its response or stream. It also bounds how many upstream connections one user can hold.
 * Taken by `ApiKeyAuthBeforeBody` as soon as the key is known, before the body is read, so it also bounds
 * how many bodies one user can have the gateway buffer at once.
 */
@Injectable()
export class InflightLimiter {
  private readonly counts = new Map<string, number>();
  private total = 0;
  private readonly max: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.max = config.quotas.maxInflightPerUser;
    metrics.observeInflight(() => this.total);
  }

  /** Counts a request in for `userId`, or a `429` at the cap; call the returned function (once) when it ends. */
  acquire(userId: string): () => void {
    const count = this.counts.get(userId) ?? 0;
    if (count >= this.max) {
      this.metrics.limitRejected('max_inflight');
      throw new GatewayError(
        'rate_limit_exceeded',
        `Too many concurrent requests: at most ${this.max} at a time per user (MAX_INFLIGHT_PER_USER). Wait for one to finish.`,
        { headers: { 'retry-after': '1' } },
      );
    }
    this.counts.set(userId, count + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.counts.get(userId) ?? 1) - 1;
      if (left <= 0) this.counts.delete(userId);
      else this.counts.set(userId, left);
    };
  }

  /**
   * Counts a request in for `userId` (or throws the `429`) until `response` closes: its last byte, a
   * stream's end, an error or the client going away all close it, so the count cannot leak.
   */
  holdUntilClosed(userId: string, response: ServerResponse): void {
    const release = this.acquire(userId);
    if (response.destroyed || response.writableFinished) release();
    else response.once('close', release);
  }

  /** Requests in flight for `userId` now (tests, metrics). */
  inflight(userId: string): number {
    return this.counts.get(userId) ?? 0;
  }
}
