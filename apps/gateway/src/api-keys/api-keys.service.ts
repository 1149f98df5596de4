import { AuditService } from '../audit/audit.service.js';
import type { RequestOrigin } from '../audit/request-origin.js';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApiKeyView, CreatedApiKey, UserRole } from '@uniroute/shared';
import { LRUCache } from 'lru-cache';
import { IsNull, Not, Repository, type EntityManager } from 'typeorm';
import { clientNetworks } from '../auth/client-network.js';
import type { Principal } from '../auth/principal.js';
import { CacheInvalidationService } from '../cache-invalidation/cache-invalidation.service.js';
import { VersionedCache } from '../cache-invalidation/versioned-cache.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { returnedRows } from '../database/returned-rows.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { LastUsedRecorder } from '../usage/last-used.recorder.js';
import { ApiKeyFailureLimiter } from './api-key-failure-limiter.js';
import { ApiKeyEntity } from './api-key.entity.js';

export const API_KEY_PREFIX = 'ur_';
/** `ur_` plus 7 characters: enough to recognise a key in a list, far too little to guess it. */
const DISPLAY_PREFIX_LENGTH = 10;
const CACHE_SIZE = 50_000;
/** Key hashes remembered as no caller: bounded, so a spray of random keys only pushes out the oldest. */
const MISS_CACHE_SIZE = 20_000;
/** How long a key read valid may be looked up from a network past API_KEY_FAILURES_PER_MINUTE. */
const SEEN_VALID_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A key hash that is no caller, as remembered. `disabledUserId` is set when the key itself is live and only its user is
 * disabled: re-enabling the user makes it valid again. Otherwise the key is unknown or revoked, which nothing undoes.
 */
interface KeyMiss {
  readonly disabledUserId: string | null;
}
/**
 * Live (unrevoked) API keys of one account, personal and team keys together. Without a cap one account's script
 * filled `api_keys` without end, and `GET /admin/api-keys` read every row into memory at once.
 */
export const MAX_API_KEYS_PER_USER = 100;
/** Revoked keys `GET /admin/api-keys` lists (the most recently revoked): creating and revoking in a loop cannot grow it. */
export const LISTED_REVOKED_API_KEYS = 100;

@Injectable()
export class ApiKeysService {
  /**
   * SHA-256 → caller, for keys seen recently: a warm gateway request does no database query. Changes
   * made through the API are announced (NOTIFY); the time to live bounds what a change made behind
   * the gateway's back (a user deleted in SQL) can keep using (§12).
   */
  private readonly cache: VersionedCache<Principal>;
  /**
   * SHA-256 → why it is no caller, for keys recently read and found unknown, revoked or their user's disabled: a client
   * retrying a revoked key in a loop costs one query per time to live, not one per request. Dropped by whatever could
   * make such a key valid again (a user re-enabled); a new key cannot be in it, as no one could send it before it existed.
   */
  private readonly misses: LRUCache<string, KeyMiss>;
  /** Key hashes read valid in the last day: never taken for a sprayer's guesses when their cache entry has expired. */
  private readonly seenValid = new LRUCache<string, true>({ max: CACHE_SIZE, ttl: SEEN_VALID_TTL_MS });
  private readonly failures: ApiKeyFailureLimiter;

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly apiKeys: Repository<ApiKeyEntity>,
    private readonly crypto: CryptoService,
    private readonly lastUsed: LastUsedRecorder,
    private readonly invalidation: CacheInvalidationService,
    private readonly metrics: MetricsService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new VersionedCache<Principal>(CACHE_SIZE, config.principalCacheTtlSeconds * 1000);
    this.misses = new LRUCache<string, KeyMiss>({ max: MISS_CACHE_SIZE, ttl: config.principalCacheTtlSeconds * 1000 });
    this.failures = new ApiKeyFailureLimiter(config.apiKeyFailuresPerMinute, metrics);
    invalidation.subscribe(
      (message) => {
        if (message.kind === 'api-key') {
          this.cache.delete(message.keyHash);
          this.misses.delete(message.keyHash);
          this.seenValid.delete(message.keyHash);
        }
        if (message.kind === 'user') {
          this.cache.deleteWhere((principal) => principal.userId === message.userId);
          // Re-enabled (the message does not say which change): their keys work again at once.
          for (const [keyHash, miss] of this.misses.entries()) if (miss.disabledUserId === message.userId) this.misses.delete(keyHash);
        }
        // Membership changed or the team is gone: every team API key of the team is checked again (§9, < 1 s).
        // No miss is remembered for a team key refused for its membership (see loadPrincipal): nothing to drop.
        if (message.kind === 'team') this.cache.deleteWhere((principal) => principal.teamId === message.teamId);
        // 'provider-key' and 'session' changes say nothing about API keys.
      },
      () => {
        this.cache.clear();
        this.misses.clear();
      },
    );
  }

  /**
   * A new key. With `teamId` a team API key (§9): only a member of the team may create one (anyone else gets the
   * same 404 as for a team that does not exist). The membership is checked in the INSERT itself, so a removal
   * racing with it cannot leave a key behind for a non-member.
   */
  async create(userId: string, name: string, origin?: RequestOrigin, teamId?: string): Promise<CreatedApiKey> {
    const key = `${API_KEY_PREFIX}${this.crypto.randomToken(32)}`;
    const values = { userId, name, keyHash: this.crypto.sha256(key), prefix: key.slice(0, DISPLAY_PREFIX_LENGTH) };
    const entity = await this.apiKeys.manager.transaction(async (manager): Promise<ApiKeyEntity> => {
      await this.assertBelowKeyCap(manager, userId);
      if (teamId) {
        const rows: Array<{ id: string; created_at: Date }> = await manager.query(
          `INSERT INTO api_keys (user_id, team_id, name, key_hash, prefix)
             SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM team_members WHERE team_id = $2 AND user_id = $1)
           RETURNING id, created_at`,
          [userId, teamId, values.name, values.keyHash, values.prefix],
        );
        const row = rows[0];
        if (!row) throw new GatewayError('not_found', 'No such team.', { param: 'teamId' });
        return Object.assign(new ApiKeyEntity(), values, { id: row.id, teamId, createdAt: row.created_at });
      }
      const repository = manager.getRepository(ApiKeyEntity);
      return repository.save(repository.create({ ...values, teamId: null }));
    });
    this.audit.record({
      actor: { id: userId },
      action: 'api_key.created',
      origin,
      ...(teamId ? { teamId } : {}),
      detail: { apiKeyId: entity.id, name: entity.name.slice(0, 100), prefix: entity.prefix },
    });
    return { id: entity.id, name: entity.name, key, prefix: entity.prefix, createdAt: entity.createdAt.toISOString(), teamId: entity.teamId };
  }

  /**
   * A member left or was removed (§9): their team API keys for that team are revoked in the caller's transaction
   * (a later re-invitation does not bring them back), and every replica drops them once the caller commits and
   * calls `announceRevoked`. `userId` undefined: every team API key of the team (the team is being deleted).
   */
  async revokeTeamKeys(manager: EntityManager, teamId: string, userId?: string): Promise<string[]> {
    const rows = returnedRows<{ key_hash: string }>(
      await manager.query(
        `UPDATE api_keys SET revoked_at = now() WHERE team_id = $1 AND ($2::uuid IS NULL OR user_id = $2::uuid) AND revoked_at IS NULL RETURNING key_hash`,
        [teamId, userId ?? null],
      ),
    );
    return rows.map((row) => row.key_hash);
  }

  /** After the transaction that changed a team's membership: every replica re-checks the team's API keys. */
  async announceTeamChange(teamId: string, revokedKeyHashes: readonly string[] = []): Promise<void> {
    await this.invalidation.publish({ kind: 'team', teamId });
    for (const keyHash of revokedKeyHashes) await this.invalidation.publish({ kind: 'api-key', keyHash });
  }

  /** Every live key (at most MAX_API_KEYS_PER_USER) and the LISTED_REVOKED_API_KEYS most recently revoked, newest first. */
  async list(userId: string): Promise<ApiKeyView[]> {
    const [live, revoked] = await Promise.all([
      this.apiKeys.find({ where: { userId, revokedAt: IsNull() } }),
      this.apiKeys.find({ where: { userId, revokedAt: Not(IsNull()) }, order: { revokedAt: 'DESC' }, take: LISTED_REVOKED_API_KEYS }),
    ]);
    return [...live, ...revoked].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((entity) => this.toView(entity));
  }

  /** Revokes at once: the row is marked and every replica drops the key from its cache. */
  async revoke(userId: string, id: string, origin?: RequestOrigin): Promise<void> {
    const entity = await this.apiKeys.findOneBy({ id, userId, revokedAt: IsNull() });
    if (!entity) throw new GatewayError('not_found', 'No such API key.', { param: 'id' });
    await this.apiKeys.update({ id: entity.id }, { revokedAt: new Date() });
    await this.invalidation.publish({ kind: 'api-key', keyHash: entity.keyHash });
    // A team API key's revocation is the team's event too, as its creation was: its admins see both in their audit log.
    this.audit.record({
      actor: { id: userId },
      action: 'api_key.revoked',
      origin,
      ...(entity.teamId ? { teamId: entity.teamId } : {}),
      detail: { apiKeyId: entity.id, prefix: entity.prefix },
    });
  }

  /**
   * The caller behind a raw `ur_` key, or `null` for an unknown or revoked key or a disabled user's. `clientIp` is the
   * request's (as TRUST_PROXY says): a key that needs a database lookup counts against its network's
   * API_KEY_FAILURES_PER_MINUTE unless it turns out valid, and past that limit it gets the `429` without a lookup.
   */
  async authenticate(rawKey: string, clientIp: string): Promise<Principal | null> {
    if (!rawKey.startsWith(API_KEY_PREFIX)) return null;
    const keyHash = this.crypto.sha256(rawKey);
    // The valid keys first: a sprayer behind the same NAT can never refuse a cached key.
    const cached = this.cache.get(keyHash);
    const missed = cached === undefined && this.misses.has(keyHash);
    this.metrics.cacheLookup('api_key', cached !== undefined || missed);
    if (missed) return null;
    const principal = cached ?? (await this.lookUp(keyHash, clientIp));
    if (!principal) return null;
    this.lastUsed.record('api_keys', principal.apiKeyId!);
    return principal;
  }

  /** A key neither cached nor remembered as a miss: one query, shared by every request carrying it meanwhile. */
  private async lookUp(keyHash: string, clientIp: string): Promise<Principal | undefined> {
    // Not counted: a key read valid before (its cache entry expired: no sprayer guesses it), and a request joining a
    // lookup under way (it costs no query). Counted before the query, so a burst sent at once cannot pass together.
    const refund = this.seenValid.has(keyHash) || this.cache.isLoading(keyHash) ? undefined : this.failures.admit(clientNetworks(clientIp));
    let principal: Principal | undefined;
    try {
      principal = await this.cache.getOrLoad(keyHash, () => this.loadPrincipal(keyHash));
    } catch (error) {
      refund?.();
      throw error;
    }
    if (principal) {
      refund?.();
      this.seenValid.set(keyHash, true);
    }
    return principal;
  }

  /**
   * The caller behind a key hash, from the database; `undefined` for an unknown or revoked key or a disabled user, which
   * is remembered in `misses` unless an invalidation came in during the query (what it read may be stale already).
   */
  private async loadPrincipal(keyHash: string): Promise<Principal | undefined> {
    const generation = this.cache.generation;
    // A team API key works only while its creator is still a member (§9): checked here as well as revoked on
    // removal, so no path (a membership row deleted in SQL, a user deleted) leaves a working team key behind.
    const rows: Array<{ id: string; user_id: string; team_id: string | null; role: UserRole; revoked: boolean; disabled: boolean; member: boolean }> =
      await this.apiKeys.query(
        `SELECT api_keys.id, api_keys.user_id, api_keys.team_id, users.role,
                api_keys.revoked_at IS NOT NULL AS revoked, users.disabled_at IS NOT NULL AS disabled,
                (api_keys.team_id IS NULL
                 OR EXISTS (SELECT 1 FROM team_members WHERE team_members.team_id = api_keys.team_id AND team_members.user_id = api_keys.user_id)) AS member
           FROM api_keys JOIN users ON users.id = api_keys.user_id
          WHERE api_keys.key_hash = $1`,
        [keyHash],
      );
    const row = rows[0];
    if (row && !row.revoked && !row.disabled && row.member) {
      return { userId: row.user_id, role: row.role, apiKeyId: row.id, ...(row.team_id ? { teamId: row.team_id } : {}) };
    }
    // A team key refused only for its creator's membership is not remembered: joining a team announces nothing
    // (and only SQL leaves such a key unrevoked), so each request reads it again, within the failure limit.
    const miss: KeyMiss | undefined = !row || row.revoked ? { disabledUserId: null } : row.disabled ? { disabledUserId: row.user_id } : undefined;
    if (miss && this.cache.generation === generation) this.misses.set(keyHash, miss);
    return undefined;
  }

  /**
   * 409 once the account holds MAX_API_KEYS_PER_USER live keys. The user's row is locked first (FOR NO KEY UPDATE:
   * it serialises this user's creations, so a burst of parallel requests cannot pass the count together, and it does
   * not wait for, or hold up, the FOR KEY SHARE of the usage writer or of foreign-key checks).
   */
  private async assertBelowKeyCap(manager: EntityManager, userId: string): Promise<void> {
    await manager.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId]);
    const [row] = returnedRows<{ live: number }>(await manager.query('SELECT count(*)::int AS live FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL', [userId]));
    if ((row?.live ?? 0) >= MAX_API_KEYS_PER_USER) {
      throw new GatewayError('conflict', `An account has at most ${MAX_API_KEYS_PER_USER} live API keys (team API keys included): revoke one first.`);
    }
  }

  private toView(entity: ApiKeyEntity): ApiKeyView {
    return {
      id: entity.id,
      name: entity.name,
      prefix: entity.prefix,
      createdAt: entity.createdAt.toISOString(),
      lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
      revokedAt: entity.revokedAt?.toISOString() ?? null,
      teamId: entity.teamId,
    };
  }
}
