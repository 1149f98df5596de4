import { AuditService } from '../audit/audit.service.js';
import type { RequestOrigin } from '../audit/request-origin.js';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ApiKeyView, CreatedApiKey, UserRole } from '@uniroute/shared';
import { IsNull, Repository } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { CacheInvalidationService } from '../cache-invalidation/cache-invalidation.service.js';
import { VersionedCache } from '../cache-invalidation/versioned-cache.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { LastUsedRecorder } from '../usage/last-used.recorder.js';
import { ApiKeyEntity } from './api-key.entity.js';

export const API_KEY_PREFIX = 'ur_';
/** `ur_` plus 7 characters: enough to recognise a key in a list, far too little to guess it. */
const DISPLAY_PREFIX_LENGTH = 10;
const CACHE_SIZE = 50_000;

@Injectable()
export class ApiKeysService {
  /**
   * SHA-256 → caller, for keys seen recently: a warm gateway request does no database query. Changes
   * made through the API are announced (NOTIFY); the time to live bounds what a change made behind
   * the gateway's back (a user deleted in SQL) can keep using (§12).
   */
  private readonly cache: VersionedCache<Principal>;

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
    invalidation.subscribe(
      (message) => {
        if (message.kind === 'api-key') this.cache.delete(message.keyHash);
        if (message.kind === 'user') this.cache.deleteWhere((principal) => principal.userId === message.userId);
      },
      () => this.cache.clear(),
    );
  }

  async create(userId: string, name: string, origin?: RequestOrigin): Promise<CreatedApiKey> {
    const key = `${API_KEY_PREFIX}${this.crypto.randomToken(32)}`;
    const entity = await this.apiKeys.save(
      this.apiKeys.create({ userId, name, keyHash: this.crypto.sha256(key), prefix: key.slice(0, DISPLAY_PREFIX_LENGTH) }),
    );
    this.audit.record({ actor: { id: userId }, action: 'api_key.created', origin, detail: { apiKeyId: entity.id, name: entity.name.slice(0, 100), prefix: entity.prefix } });
    return { id: entity.id, name: entity.name, key, prefix: entity.prefix, createdAt: entity.createdAt.toISOString(), teamId: null };
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    const entities = await this.apiKeys.find({ where: { userId }, order: { createdAt: 'DESC' } });
    return entities.map((entity) => this.toView(entity));
  }

  /** Revokes at once: the row is marked and every replica drops the key from its cache. */
  async revoke(userId: string, id: string, origin?: RequestOrigin): Promise<void> {
    const entity = await this.apiKeys.findOneBy({ id, userId, revokedAt: IsNull() });
    if (!entity) throw new GatewayError('not_found', 'No such API key.', { param: 'id' });
    await this.apiKeys.update({ id: entity.id }, { revokedAt: new Date() });
    await this.invalidation.publish({ kind: 'api-key', keyHash: entity.keyHash });
    this.audit.record({ actor: { id: userId }, action: 'api_key.revoked', origin, detail: { apiKeyId: entity.id, prefix: entity.prefix } });
  }

  /** The caller behind a raw `ur_` key, or `null` for an unknown or revoked key or a disabled user's. */
  async authenticate(rawKey: string): Promise<Principal | null> {
    if (!rawKey.startsWith(API_KEY_PREFIX)) return null;
    const keyHash = this.crypto.sha256(rawKey);
    let principal = this.cache.get(keyHash);
    this.metrics.cacheLookup('api_key', principal !== undefined);
    if (!principal) {
      const generation = this.cache.generation;
      const rows: Array<{ id: string; user_id: string; role: UserRole }> = await this.apiKeys.query(
        `SELECT api_keys.id, api_keys.user_id, users.role FROM api_keys JOIN users ON users.id = api_keys.user_id
          WHERE api_keys.key_hash = $1 AND api_keys.revoked_at IS NULL AND users.disabled_at IS NULL`,
        [keyHash],
      );
      const row = rows[0];
      if (!row) return null;
      principal = { userId: row.user_id, role: row.role, apiKeyId: row.id };
      this.cache.set(keyHash, principal, generation);
    }
    this.lastUsed.record('api_keys', principal.apiKeyId!);
    return principal;
  }

  private toView(entity: ApiKeyEntity): ApiKeyView {
    return {
      id: entity.id,
      name: entity.name,
      prefix: entity.prefix,
      createdAt: entity.createdAt.toISOString(),
      lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
      revokedAt: entity.revokedAt?.toISOString() ?? null,
      teamId: null,
    };
  }
}
