import { Inject, Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { APP_LOGGER } from '../common/logging/logging.module.js';

/** Tables with a `last_used_at` column that the hot path touches. */
export type TrackedTable = 'api_keys' | 'user_provider_keys';

const FLUSH_INTERVAL_MS = 2_000;

/**
 * Collects "used now" marks in memory and writes them in one UPDATE per table every couple of
 * seconds, so a gateway request never waits on (or pays for) a database write.
 */
@Injectable()
export class LastUsedRecorder implements OnModuleInit, BeforeApplicationShutdown {
  private pending: Record<TrackedTable, Map<string, Date>> = { api_keys: new Map(), user_provider_keys: new Map() };
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  record(table: TrackedTable, id: string, at = new Date()): void {
    const pending = this.pending[table];
    const known = pending.get(id);
    if (known === undefined || known < at) pending.set(id, at);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Before the database closes (TypeORM closes it in onApplicationShutdown): nothing recorded is lost. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Writes everything recorded so far. Serialised: a slow flush never overlaps the next. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    const batches = this.pending;
    this.pending = { api_keys: new Map(), user_provider_keys: new Map() };
    for (const table of Object.keys(batches) as TrackedTable[]) {
      const batch = batches[table];
      if (batch.size === 0) continue;
      try {
        await this.dataSource.query(
          `UPDATE ${table} AS target SET last_used_at = GREATEST(target.last_used_at, used.at)
             FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::timestamptz[]) AS at) AS used
            WHERE target.id = used.id`,
          [[...batch.keys()], [...batch.values()].map((date) => date.toISOString())],
        );
      } catch (error) {
        // Kept for the next flush (one entry per key, so this stays small): a database that blinked
        // must not leave a key that was used showing "Never".
        for (const [id, at] of batch) this.record(table, id, at);
        this.logger.warn({ err: error, table, count: batch.size }, 'could not record last-used times; retrying with the next flush');
      }
    }
  }
}
