import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { UserRole } from '@uniroute/shared';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { CacheInvalidationService } from '../cache-invalidation/cache-invalidation.service.js';
import { VersionedCache } from '../cache-invalidation/versioned-cache.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { returnedRows } from '../database/returned-rows.js';
import type { Principal } from './principal.js';

const CACHE_SIZE = 50_000;
/** Live sessions per user (browsers, devices); a new one beyond this revokes the oldest. */
export const MAX_SESSIONS_PER_USER = 50;
/** Expired session rows are deleted this often (any replica may do it: the DELETE is idempotent). */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Server-side sessions (§12): each session token's `jti` is a `sessions` row, so logout and a
 * password change revoke tokens on every replica. Validating a token reads the row (joined with its
 * user: a disabled user's sessions stop working) at most once per PRINCIPAL_CACHE_TTL_SECONDS;
 * revocations, disables, deletes and role changes are announced with NOTIFY and drop it at once.
 */
@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly cache: VersionedCache<Principal>;
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly invalidation: CacheInvalidationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {
    this.cache = new VersionedCache<Principal>(CACHE_SIZE, config.principalCacheTtlSeconds * 1000);
    invalidation.subscribe(
      (message) => {
        if (message.kind === 'session') this.cache.delete(message.sessionId);
        if (message.kind === 'user') this.cache.deleteWhere((principal) => principal.userId === message.userId);
      },
      () => this.cache.clear(),
    );
  }

  onApplicationBootstrap(): void {
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch((error: unknown) => this.logger.warn({ err: error }, 'sessions: purging expired sessions failed'));
    }, PURGE_INTERVAL_MS);
    this.purgeTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.purgeTimer);
  }

  /** A new session row for `userId`, lasting as long as its token. */
  async start(userId: string): Promise<string> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO sessions (user_id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`,
      [userId, this.config.jwt.ttlSeconds],
    );
    await this.revokeBeyondCap(userId);
    return rows[0]!.id;
  }

  /**
   * A user keeps at most MAX_SESSIONS_PER_USER live sessions: the oldest go first. Without a cap, a
   * script logging in with its own password in a loop grows the table for the whole token lifetime.
   */
  private async revokeBeyondCap(userId: string): Promise<void> {
    const revoked = returnedRows<{ id: string }>(
      await this.dataSource.query(
        `UPDATE sessions SET revoked_at = now() WHERE id IN (
           SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
            ORDER BY created_at DESC, id DESC OFFSET $2)
         RETURNING id`,
        [userId, MAX_SESSIONS_PER_USER],
      ),
    );
    for (const { id } of revoked) await this.invalidation.publish({ kind: 'session', sessionId: id });
  }

  /** The caller behind a live session of a user who is still enabled, or `null`. */
  async principalFor(sessionId: string, userId: string): Promise<Principal | null> {
    if (!UUID_PATTERN.test(sessionId) || !UUID_PATTERN.test(userId)) return null;
    const cached = this.cache.get(sessionId);
    if (cached) return cached.userId === userId ? cached : null;
    const generation = this.cache.generation;
    const rows: Array<{ role: UserRole }> = await this.dataSource.query(
      `SELECT users.role FROM sessions JOIN users ON users.id = sessions.user_id
        WHERE sessions.id = $1 AND sessions.user_id = $2 AND sessions.revoked_at IS NULL
          AND sessions.expires_at > now() AND users.disabled_at IS NULL`,
      [sessionId, userId],
    );
    const row = rows[0];
    if (!row) return null;
    const principal: Principal = { userId, role: row.role, sessionId };
    this.cache.set(sessionId, principal, generation);
    return principal;
  }

  /** Logout: this session stops working on every replica. */
  async revoke(sessionId: string): Promise<void> {
    await this.dataSource.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
    await this.invalidation.publish({ kind: 'session', sessionId });
  }

  /** Every session of `userId` but `keepSessionId` (password change), or all of them (disable). */
  async revokeAllOf(userId: string, keepSessionId?: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)',
      [userId, keepSessionId ?? null],
    );
    await this.invalidation.publish({ kind: 'user', userId });
  }

  /** Deletes sessions that expired (their tokens are refused by `exp` already). */
  async purgeExpired(): Promise<number> {
    const rows: Array<{ count: number }> = await this.dataSource.query(
      'WITH deleted AS (DELETE FROM sessions WHERE expires_at < now() RETURNING 1) SELECT count(*)::int AS count FROM deleted',
    );
    return rows[0]?.count ?? 0;
  }
}
