import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { APP_LOGGER } from '../common/logging/logging.module.js';

/** The outcome of one counted attempt. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly retryAfterSeconds: number;
}

/** One counted attempt and the window it was counted in: what `refund` takes back, from that window only. */
export interface CountedAttempt extends RateLimitDecision {
  readonly bucket: string;
  /** The window's end, in microseconds since the epoch: it names the window, as no two windows of a bucket end alike. */
  readonly windowEndsAtMicros: string;
}

/** A window's end as a whole number (microseconds since the epoch): exact to compare, whatever the session's settings. */
const WINDOW_ENDS_AT_MICROS = '(EXTRACT(EPOCH FROM window_ends_at) * 1000000)::bigint';

/** How often rows of ended windows are deleted (§12: "rate-limit rows expire"). */
export const RATE_LIMIT_PURGE_INTERVAL_MS = 5 * 60 * 1000;

/**
 * Fixed-window counters in the database (`rate_limit_counters`), so a limit holds however many
 * gateway replicas share it. One atomic upsert per hit: no read-modify-write race. Rows of ended
 * windows mean nothing (the next hit starts a new window), so any replica may delete them.
 */
@Injectable()
export class RateLimitService implements OnApplicationBootstrap, OnApplicationShutdown {
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => this.logger.warn({ err: error }, 'rate limits: purging ended windows failed'));
    }, RATE_LIMIT_PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  async hit(bucket: string, limit: number, windowSeconds: number): Promise<CountedAttempt> {
    const rows: Array<{ hits: number; retry_after: number; window_ends_at_micros: string }> = await this.dataSource.query(
      `INSERT INTO rate_limit_counters AS counter (bucket, hits, window_ends_at)
         VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN counter.window_ends_at <= now() THEN 1 ELSE counter.hits + 1 END,
         window_ends_at = CASE WHEN counter.window_ends_at <= now() THEN now() + make_interval(secs => $2) ELSE counter.window_ends_at END
       RETURNING hits, GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_ends_at - now()))))::int AS retry_after,
                 ${WINDOW_ENDS_AT_MICROS}::text AS window_ends_at_micros`,
      [bucket, windowSeconds],
    );
    const row = rows[0]!;
    return { allowed: row.hits <= limit, retryAfterSeconds: row.retry_after, bucket, windowEndsAtMicros: row.window_ends_at_micros };
  }

  /**
   * Takes back one attempt `hit` counted (it turned out not to be one: a per-request key the provider accepted), in
   * one atomic UPDATE, and only while its window lasts: a window that has ended and started again is not touched.
   */
  async refund(attempt: CountedAttempt): Promise<void> {
    await this.dataSource.query(
      `UPDATE rate_limit_counters SET hits = hits - 1
        WHERE bucket = $1 AND hits > 0 AND window_ends_at > now() AND ${WINDOW_ENDS_AT_MICROS} = $2::bigint`,
      [attempt.bucket, attempt.windowEndsAtMicros],
    );
  }

  /**
   * Whether `bucket` has already used up `limit` in its current window, without counting anything:
   * for limits that count only failures (logins), checked before the attempt.
   */
  async check(bucket: string, limit: number): Promise<RateLimitDecision> {
    const rows: Array<{ hits: number; retry_after: number }> = await this.dataSource.query(
      `SELECT hits, GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_ends_at - now()))))::int AS retry_after
         FROM rate_limit_counters WHERE bucket = $1 AND window_ends_at > now()`,
      [bucket],
    );
    const row = rows[0];
    return row && row.hits >= limit ? { allowed: false, retryAfterSeconds: row.retry_after } : { allowed: true, retryAfterSeconds: 0 };
  }

  async reset(bucket: string): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_counters WHERE bucket = $1', [bucket]);
  }

  /** Deletes the rows of ended windows; returns how many. */
  async purgeExpired(): Promise<number> {
    const rows: Array<{ count: number }> = await this.dataSource.query(
      'WITH deleted AS (DELETE FROM rate_limit_counters WHERE window_ends_at <= now() RETURNING 1) SELECT count(*)::int AS count FROM deleted',
    );
    return rows[0]?.count ?? 0;
  }
}
