import { Inject, Injectable } from '@nestjs/common';
import {
  PROVIDER_IDS,
  PROVIDER_KEY_ALGORITHM,
  PROVIDER_LABELS,
  type CreateProviderKeyRequest,
  type ProviderId,
  type ProviderKeyTestResult,
  type ProviderKeyView,
  type ProviderStatus,
  type UpdateProviderKeyRequest,
} from '@uniroute/shared';
import type { Logger } from 'pino';
import { CacheInvalidationService } from '../cache-invalidation/cache-invalidation.service.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { APP_CONFIG, ConfigError, type AppConfig } from '../config/app-config.js';
import { CryptoService, ProviderKeyDecryptionError } from '../crypto/crypto.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { LastUsedRecorder } from '../usage/last-used.recorder.js';
import { VersionedCache } from '../cache-invalidation/versioned-cache.js';
import type { ProviderKeyEntity } from './provider-key.entity.js';
import { PROVIDER_KEY_REPOSITORY, type ProviderKeyRepository } from './provider-key.repository.js';
import { ProviderKeyTester } from './provider-key.tester.js';

const MASK = '••••••••';
const CACHE_SIZE = 100_000;

/** A user's decrypted key, held only in memory on its way to the provider. */
export interface UserCredential {
  readonly apiKey: string;
  readonly providerKeyId: string;
}

/** What is known about one user's key for one provider. */
type CredentialEntry = { readonly kind: 'user'; readonly credential: UserCredential } | { readonly kind: 'none' } | { readonly kind: 'unusable' };
const ROTATION_BATCH = 100;
/** Rows tried per master-key version at start-up. */
const MASTER_KEY_CHECK_SAMPLE = 5;
/** Tests and validations are counted per user per hour: each is a call to the provider with a key of the caller's choosing. */
const KEY_TEST_WINDOW_SECONDS = 60 * 60;

/** What `rotateAll` did. */
export interface RotationReport {
  rotated: number;
  failed: number;
  skipped: number;
}

/**
 * BYOK (§4): the only place that encrypts and decrypts provider keys. Management calls are scoped
 * to one user (the id comes from the session, never the body). The router asks
 * `resolveUserCredential`, which answers from a per-user cache once warm.
 */
@Injectable()
export class ProviderKeysService {
  /** `userId:provider` → credential; a warm gateway request needs neither the database nor the cipher. */
  private readonly credentials = new VersionedCache<CredentialEntry>(CACHE_SIZE);

  constructor(
    @Inject(PROVIDER_KEY_REPOSITORY) private readonly repository: ProviderKeyRepository,
    private readonly crypto: CryptoService,
    private readonly tester: ProviderKeyTester,
    private readonly invalidation: CacheInvalidationService,
    private readonly lastUsed: LastUsedRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsService,
    private readonly rateLimits: RateLimitService,
  ) {
    invalidation.subscribe(
      (message) => {
        if (message.kind === 'provider-key') this.credentials.delete(`${message.userId}:${message.provider}`);
      },
      () => this.credentials.clear(),
    );
  }

  async addProviderKey(userId: string, request: CreateProviderKeyRequest): Promise<ProviderKeyView> {
    if (request.validate) await this.requireAccepted(userId, request.provider, request.apiKey);
    const sealed = this.crypto.encryptProviderKey(request.apiKey, { userId, provider: request.provider });
    const entity = await this.repository.insert({
      userId,
      provider: request.provider,
      apiKeyEncrypted: sealed.ciphertext,
      keyVersion: sealed.keyVersion,
      keyLast4: last4(request.apiKey),
    });
    if (!entity) {
      throw new GatewayError('conflict', `You already have a ${PROVIDER_LABELS[request.provider]} key. Update it with PUT /admin/provider-keys/${request.provider}.`, {
        param: 'provider',
      });
    }
    if (request.validate) {
      // It passed the test before saving: the page shows it as tested, not "Not yet".
      const verdict = { lastTestedAt: new Date(), lastTestOk: true };
      await this.repository.update(entity.id, verdict);
      Object.assign(entity, verdict);
    }
    await this.changed(userId, request.provider);
    return this.toView(entity);
  }

  async getProviderKey(userId: string, provider: ProviderId): Promise<ProviderKeyView> {
    return this.toView(await this.require(userId, provider));
  }

  async listProviderKeys(userId: string): Promise<ProviderKeyView[]> {
    const entities = await this.repository.listByUser(userId);
    return entities.sort((a, b) => PROVIDER_IDS.indexOf(a.provider) - PROVIDER_IDS.indexOf(b.provider)).map((entity) => this.toView(entity));
  }

  async updateProviderKey(userId: string, provider: ProviderId, request: UpdateProviderKeyRequest): Promise<ProviderKeyView> {
    if (request.apiKey === undefined && request.isActive === undefined) {
      throw new GatewayError('validation_failed', 'Send apiKey, isActive or both.', { param: 'apiKey' });
    }
    const entity = await this.require(userId, provider);
    const changes: Parameters<ProviderKeyRepository['update']>[1] = {};
    if (request.apiKey !== undefined) {
      if (request.validate) await this.requireAccepted(userId, provider, request.apiKey);
      const sealed = this.crypto.encryptProviderKey(request.apiKey, { userId, provider });
      // The old verdict was about the old key; the new one is untested unless it was tested before saving.
      const verdict = request.validate ? { lastTestOk: true, lastTestedAt: new Date() } : { lastTestOk: null, lastTestedAt: null };
      Object.assign(changes, { apiKeyEncrypted: sealed.ciphertext, keyVersion: sealed.keyVersion, keyLast4: last4(request.apiKey), ...verdict });
    }
    if (request.isActive !== undefined) changes.isActive = request.isActive;
    await this.repository.update(entity.id, changes);
    await this.changed(userId, provider);
    return this.toView(await this.require(userId, provider));
  }

  async deleteProviderKey(userId: string, provider: ProviderId): Promise<void> {
    if (!(await this.repository.delete(userId, provider))) throw notFound(provider);
    await this.changed(userId, provider);
  }

  /** Tests the stored key and remembers the verdict for the settings page. */
  async testProviderKey(userId: string, provider: ProviderId): Promise<ProviderKeyTestResult> {
    const entity = await this.require(userId, provider);
    let apiKey: string;
    try {
      apiKey = this.decrypt(entity);
    } catch (error) {
      if (!(error instanceof ProviderKeyDecryptionError)) throw error;
      return { ok: false, provider, latencyMs: 0, status: null, message: unusableMessage(provider) };
    }
    await this.countKeyTest(userId);
    const result = await this.tester.test(provider, apiKey);
    await this.repository.update(entity.id, { lastTestedAt: new Date(), lastTestOk: result.ok });
    return result;
  }

  /** Per provider: is there a server key, is fallback allowed, and does this user fall back now. */
  async providerStatuses(userId: string): Promise<ProviderStatus[]> {
    const keys = await this.repository.listByUser(userId);
    return PROVIDER_IDS.map((provider) => {
      const serverKeyConfigured = this.config.providers[provider].serverKey !== undefined;
      const fallbackAllowed = this.config.allowServerKeyFallback;
      const own = keys.find((key) => key.provider === provider && key.isActive);
      return { provider, label: PROVIDER_LABELS[provider], serverKeyConfigured, fallbackAllowed, usesServerKey: !own && serverKeyConfigured && fallbackAllowed };
    });
  }

  /**
   * The caller's own usable credential for `provider`, or `null` when they have no active key.
   * Warm calls touch neither the database nor the cipher.
   * @throws GatewayError `provider_key_unusable` when their key no longer decrypts.
   */
  async resolveUserCredential(userId: string, provider: ProviderId, requestId?: string): Promise<UserCredential | null> {
    const cacheKey = `${userId}:${provider}`;
    let entry = this.credentials.get(cacheKey);
    this.metrics.cacheLookup('provider_credential', entry !== undefined);
    if (!entry) {
      const generation = this.credentials.generation;
      entry = await this.loadCredential(userId, provider, requestId);
      this.credentials.set(cacheKey, entry, generation);
    }
    if (entry.kind === 'unusable') throw new GatewayError('provider_key_unusable', unusableMessage(provider));
    if (entry.kind === 'none') return null;
    this.lastUsed.record('user_provider_keys', entry.credential.providerKeyId);
    return entry.credential;
  }

  /** The provider refused the user's key on a live request: flag it for the settings page. */
  async markRejectedByProvider(userId: string, provider: ProviderId): Promise<void> {
    const entity = await this.repository.find(userId, provider);
    if (entity && entity.lastTestOk !== false) await this.repository.update(entity.id, { lastTestOk: false, lastTestedAt: new Date() });
  }

  /**
   * Start-up check (CONTRACT §12): every master-key version that rows are sealed with must be in
   * the ring and must open them. A wrong UNIROUTE_MASTER_KEY otherwise goes unnoticed until each
   * user finds their keys "unusable". One corrupted row is not the ring's fault: a version passes
   * when any of its sampled rows decrypts.
   */
  async checkMasterKeyRing(): Promise<void> {
    for (const [version, rows] of await this.repository.sampleByKeyVersion(MASTER_KEY_CHECK_SAMPLE)) {
      if (!rows.some((entity) => this.isUsable(entity))) {
        const why = this.crypto.hasKeyVersion(version) ? `the ring's v${version} does not decrypt them` : `v${version} is not in the key ring`;
        throw new ConfigError(
          `Invalid configuration: UNIROUTE_MASTER_KEY does not decrypt the stored provider keys sealed with master key v${version} (${why}); set the key they were encrypted with (UNIROUTE_MASTER_KEYS=vN:<new>,v${version}:<old> while rotating)`,
        );
      }
    }
  }

  /** Re-encrypts every row to the current master key version; safe while gateways serve. */
  async rotateAll(): Promise<RotationReport> {
    const report: RotationReport = { rotated: 0, failed: 0, skipped: 0 };
    const current = this.crypto.currentKeyVersion;
    let afterId: string | null = null;
    for (;;) {
      const batch = await this.repository.findNotAtVersion(current, afterId, ROTATION_BATCH);
      if (batch.length === 0) return report;
      for (const entity of batch) {
        afterId = entity.id;
        let plaintext: string;
        try {
          plaintext = this.decrypt(entity);
        } catch {
          report.failed += 1;
          this.logger.warn({ providerKeyId: entity.id, keyVersion: entity.keyVersion }, 'rotation: key does not decrypt; left as it is');
          continue;
        }
        const sealed = this.crypto.encryptProviderKey(plaintext, { userId: entity.userId, provider: entity.provider });
        const replaced = await this.repository.replaceCiphertext(entity.id, entity.apiKeyEncrypted, { apiKeyEncrypted: sealed.ciphertext, keyVersion: sealed.keyVersion });
        if (replaced) report.rotated += 1;
        else report.skipped += 1; // changed by its user meanwhile: already sealed with the current key
      }
    }
  }

  private async loadCredential(userId: string, provider: ProviderId, requestId: string | undefined): Promise<CredentialEntry> {
    const entity = await this.repository.find(userId, provider);
    if (!entity || !entity.isActive) return { kind: 'none' };
    try {
      return { kind: 'user', credential: { apiKey: this.decrypt(entity), providerKeyId: entity.id } };
    } catch (error) {
      if (!(error instanceof ProviderKeyDecryptionError)) throw error;
      this.logger.error({ reqId: requestId, providerKeyId: entity.id, provider, reason: error.message }, 'stored provider key does not decrypt');
      return { kind: 'unusable' };
    }
  }

  private async requireAccepted(userId: string, provider: ProviderId, apiKey: string): Promise<void> {
    await this.countKeyTest(userId);
    const result = await this.tester.test(provider, apiKey);
    if (result.ok) return;
    if (result.status === null) throw new GatewayError('upstream_unreachable', `Could not validate the key: ${result.message}`);
    throw new GatewayError('provider_key_rejected', `${PROVIDER_LABELS[provider]} did not accept this key: ${result.message}`, { param: 'apiKey' });
  }

  /**
   * `PROVIDER_KEY_TESTS_PER_HOUR` (§12): without it test-connection and `validate: true` are an unlimited key
   * checker for anyone with an account. Counted in the database, so the limit holds across replicas.
   */
  private async countKeyTest(userId: string): Promise<void> {
    const limit = this.config.quotas.providerKeyTestsPerHour;
    const decision = await this.rateLimits.hit(`provider-key-test:${userId}`, limit, KEY_TEST_WINDOW_SECONDS);
    if (decision.allowed) return;
    this.metrics.limitRejected('provider_key_tests');
    throw new GatewayError(
      'rate_limit_exceeded',
      `Too many provider-key tests: at most ${limit} per hour per user (PROVIDER_KEY_TESTS_PER_HOUR), counting validate: true. Retry in ${decision.retryAfterSeconds} s.`,
      { headers: { 'retry-after': String(decision.retryAfterSeconds) } },
    );
  }

  private async require(userId: string, provider: ProviderId): Promise<ProviderKeyEntity> {
    const entity = await this.repository.find(userId, provider);
    if (!entity) throw notFound(provider);
    return entity;
  }

  private async changed(userId: string, provider: ProviderId): Promise<void> {
    await this.invalidation.publish({ kind: 'provider-key', userId, provider });
  }

  private decrypt(entity: ProviderKeyEntity): string {
    return this.crypto.decryptProviderKey({ ciphertext: entity.apiKeyEncrypted, keyVersion: entity.keyVersion }, { userId: entity.userId, provider: entity.provider });
  }

  private isUsable(entity: ProviderKeyEntity): boolean {
    try {
      this.decrypt(entity);
      return true;
    } catch {
      return false;
    }
  }

  private toView(entity: ProviderKeyEntity): ProviderKeyView {
    return {
      id: entity.id,
      provider: entity.provider,
      maskedKey: `${MASK}${entity.keyLast4}`,
      last4: entity.keyLast4,
      isActive: entity.isActive,
      encrypted: true,
      algorithm: PROVIDER_KEY_ALGORITHM,
      keyVersion: entity.keyVersion,
      createdAt: entity.createdAt.toISOString(),
      updatedAt: entity.updatedAt.toISOString(),
      lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
      lastTestedAt: entity.lastTestedAt?.toISOString() ?? null,
      lastTestOk: entity.lastTestOk,
      usable: this.isUsable(entity),
    };
  }
}

function last4(apiKey: string): string {
  return apiKey.slice(-4);
}

function notFound(provider: ProviderId): GatewayError {
  return new GatewayError('not_found', `You have no ${PROVIDER_LABELS[provider]} key.`, { param: 'provider' });
}

function unusableMessage(provider: ProviderId): string {
  return `Your stored ${PROVIDER_LABELS[provider]} key can no longer be decrypted (it was altered or the master key changed). Delete it and add it again in Settings → Provider keys.`;
}
