import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { DATABASE_HANDLE } from '../database/database.tokens.js';
import type { DatabaseHandle } from '../database/open-database.js';

/** What changed; every replica drops the matching cache entries. */
export type InvalidationMessage =
  | { readonly kind: 'api-key'; readonly keyHash: string }
  /** An owner's (user's or team's, §9) stored key or policy for one provider changed. */
  | { readonly kind: 'provider-key'; readonly ownerKind: 'user' | 'team'; readonly ownerId: string; readonly provider: string }
  /** A team's membership changed or the team was deleted (§9): drop every team API key principal cached for it. */
  | { readonly kind: 'team'; readonly teamId: string }
  /** A user was disabled, deleted, changed role or password: drop every principal cached for them. */
  | { readonly kind: 'user'; readonly userId: string }
  /** One session was revoked (logout). */
  | { readonly kind: 'session'; readonly sessionId: string };

export type InvalidationHandler = (message: InvalidationMessage) => void;

const CHANNEL = 'uniroute_cache_invalidation';
const RECONNECT_DELAY_MS = 1_000;

/**
 * Keeps the per-process caches (API keys, decrypted provider credentials) consistent across
 * replicas: a change applies locally at once and is broadcast with PostgreSQL NOTIFY; every
 * replica LISTENs and drops its own copy. After a lost LISTEN connection a replica cannot know
 * what it missed, so it clears every cache when it reconnects.
 */
@Injectable()
export class CacheInvalidationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Set<InvalidationHandler>();
  private readonly resetHandlers = new Set<() => void>();
  private listener: pg.Client | undefined;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /** Registers a cache: `onMessage` drops one entry, `onReset` drops everything. */
  subscribe(onMessage: InvalidationHandler, onReset: () => void): void {
    this.handlers.add(onMessage);
    this.resetHandlers.add(onReset);
  }

  /** Applies `message` here now, then tells the other replicas. */
  async publish(message: InvalidationMessage): Promise<void> {
    this.deliver(message);
    try {
      await this.dataSource.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]);
    } catch (error) {
      this.logger.warn({ err: error }, 'cache invalidation: NOTIFY failed; other replicas keep stale entries until they reconnect');
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
  }

  private deliver(message: InvalidationMessage): void {
    for (const handler of this.handlers) handler(message);
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.database.url });
    client.on('notification', (notification) => {
      if (notification.channel !== CHANNEL || !notification.payload) return;
      try {
        this.deliver(JSON.parse(notification.payload) as InvalidationMessage);
      } catch {
        this.logger.warn('cache invalidation: ignored a malformed notification');
      }
    });
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.stopped) return;
      this.logger.warn('cache invalidation: LISTEN connection lost; reconnecting');
      setTimeout(() => void this.reconnect(), RECONNECT_DELAY_MS).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn({ err: error }, 'cache invalidation: LISTEN unavailable; retrying');
      await client.end().catch(() => undefined);
    }
  }

  private async reconnect(): Promise<void> {
    for (const reset of this.resetHandlers) reset();
    await this.listen();
  }
}
