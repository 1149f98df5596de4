import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** The outcome of one counted attempt. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly retryAfterSeconds: number;
}

/**
 * Fixed-window counters in the database (`rate_limit_counters`), so a limit holds however many
 * gateway replicas share it. One atomic upsert per hit: no read-modify-write race.
 */
@Injectable()
export class RateLimitService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async hit(bucket: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    const rows: Array<{ hits: number; retry_after: number }> = await this.dataSource.query(
      `INSERT INTO rate_limit_counters AS counter (bucket, hits, window_ends_at)
         VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN counter.window_ends_at <= now() THEN 1 ELSE counter.hits + 1 END,
         window_ends_at = CASE WHEN counter.window_ends_at <= now() THEN now() + make_interval(secs => $2) ELSE counter.window_ends_at END
       RETURNING hits, GREATEST(1, CEIL(EXTRACT(EPOCH FROM (window_ends_at - now()))))::int AS retry_after`,
      [bucket, windowSeconds],
    );
    const row = rows[0]!;
    return { allowed: row.hits <= limit, retryAfterSeconds: row.retry_after };
  }

  async reset(bucket: string): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_counters WHERE bucket = $1', [bucket]);
  }
}
