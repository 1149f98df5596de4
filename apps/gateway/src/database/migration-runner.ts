import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { DATABASE_HANDLE } from './database.tokens.js';
import type { DatabaseHandle } from './open-database.js';

/** Any constant shared by every replica: the advisory lock that serialises their migrations. */
const MIGRATION_LOCK_ID = 0x756e6972; // "unir"

/**
 * Runs pending migrations on start. Replicas that boot together take turns under a PostgreSQL
 * advisory lock (held on its own connection), so only one of them creates the tables.
 */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const lock = new pg.Client({ connectionString: this.database.url });
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      const applied = await this.dataSource.runMigrations({ transaction: 'each' });
      if (applied.length > 0) this.logger.info({ migrations: applied.map((migration) => migration.name) }, 'database migrated');
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
      await lock.end();
    }
  }
}
