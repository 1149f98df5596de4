import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_FALLBACK_POLICY,
  PROVIDER_IDS,
  PROVIDER_KEY_ALGORITHM,
  PROVIDER_LABELS,
  type AuditAction,
  type AuditDetail,
  type CreateProviderKeyRequest,
  type FallbackPolicy,
  type KeyHealth,
  type ProviderId,
  type ProviderKeyTestResult,
  type ProviderKeyView,
  type ProviderKeyWarning,
  type ProviderPolicyView,
  type ProviderStatus,
  type UpdateProviderKeyRequest,
} from '@uniroute/shared';
import type { Logger } from 'pino';
import { AuditService } from '../audit/audit.service.js';
import type { RequestOrigin } from '../audit/request-origin.js';
import { CacheInvalidationService } from '../cache-invalidation/cache-invalidation.service.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { APP_CONFIG, ConfigError, type AppConfig } from '../config/app-config.js';
import { CryptoService, ProviderKeyDecryptionError, type KeyOwner } from '../crypto/crypto.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import { LastUsedRecorder } from '../usage/last-used.recorder.js';
import { VersionedCache } from '../cache-invalidation/versioned-cache.js';
import type { ProviderKeyEntity } from './provider-key.entity.js';
import { isKeySkipped, type HealthVerdict } from './key-health.js';
import { PROVIDER_KEY_REPOSITORY, ownerOf, type ProviderKeyChanges, type ProviderKeyRepository } from './provider-key.repository.js';
import { ProviderKeyTester } from './provider-key.tester.js';

const MASK = '••••••••';
const CACHE_SIZE = 100_000;

/** A user's decrypted key, held only in memory on its way to the provider. */
export interface UserCredential {
  readonly apiKey: string;
  readonly providerKeyId: string;
}

/** A stored, active, decryptable key and what the provider last said about it. */
export interface StoredKeyState {
  readonly kind: 'stored';
  /** Whose key it is (a user's, or a team's for a team API key's request, §9). */
  readonly owner: KeyOwner;
  readonly credential: UserCredential;
  /** Mutable: a live request's verdict applies on this replica at once, before the database write lands. */
  health: KeyHealth;
  healthUntil: Date | null;
  healthReason: string | null;
  /** Which ciphertext the verdict is about: a key replaced meanwhile keeps its own health. */
  readonly fingerprint: string | null;
}

/** What the resolver needs to know about one owner (user or team) and one provider (§8); cached, so a warm request reads no table. */
export interface OwnerKeyState {
  readonly policy: FallbackPolicy;
  readonly key: StoredKeyState | { readonly kind: 'none' } | { readonly kind: 'unusable' };
}

/** A stored key the resolver may use now (not skipped for its health). */
export function usableKey(state: OwnerKeyState, now = Date.now()): StoredKeyState | null {
  return state.key.kind === 'stored' && !isKeySkipped(state.key.health, state.key.healthUntil, now) ? state.key : null;
}

type CredentialEntry = OwnerKeyState;
const ROTATION_BATCH = 100;
/** Rows tried per master-key version at start-up. */
const MASTER_KEY_CHECK_SAMPLE = 5;
/** Tests and validations are counted per user per hour: each is a call to the provider with a key of the caller's choosing. */
const KEY_TEST_WINDOW_SECONDS = 60 * 60;

/**
 * One budget per user for every way of trying a key out: test-connection, `validate: true`, and keys not yet known to be
 * good that the provider refused: per-request keys, and stored keys on their first use (see RequestKeyBudget).
 */
function keyTestBucket(userId: string): string {
  return `provider-key-test:${userId}`;
}

/**
 * Who is managing keys: whose keys (`owner`) and who acts (`actorId`, the session's user: audit actor, key-test
 * budget). For a user's own keys both are the user; for a team's keys the owner is the team (§9).
 */
export interface KeyScope {
  readonly owner: KeyOwner;
  readonly actorId: string;
}

/** A user managing their own keys (§4). */
export function personalScope(userId: string): KeyScope {
  return { owner: { kind: 'user', id: userId }, actorId: userId };
}

function cacheKeyOf(owner: KeyOwner, provider: ProviderId): string {
  return `${owner.kind}:${owner.id}:${provider}`;
}

/** What `rotateAll` did. */
export interface RotationReport {
  rotated: number;
  failed: number;
  skipped: number;
}

/**
 * BYOK (§4) and team keys (§9): the only place that encrypts and decrypts provider keys, for either
 * kind of owner. Management calls are scoped to one owner (a user's id comes from the session, a
 * team's from a route the teams guard already checked the caller's role on). The resolver asks
 * `ownerKeyState`, which answers from a per-owner cache once warm.
 */
@Injectable()
export class ProviderKeysService {
  /** `kind:ownerId:provider` → credential; a warm gateway request needs neither the database nor the cipher. */
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
    private readonly audit: AuditService,
  ) {
    invalidation.subscribe(
      (message) => {
        if (message.kind === 'provider-key') this.credentials.delete(`${message.ownerKind}:${message.ownerId}:${message.provider}`);
      },
      () => this.credentials.clear(),
    );
  }

  async addProviderKey(scope: KeyScope, request: CreateProviderKeyRequest, origin?: RequestOrigin): Promise<ProviderKeyView> {
    const { owner } = scope;
    const warnings = await this.checkFingerprint(owner, request.provider, request.apiKey);
    if (request.validate) await this.requireAccepted(scope.actorId, request.provider, request.apiKey);
    const sealed = this.crypto.encryptProviderKey(request.apiKey, { owner, provider: request.provider });
    const entity = await this.repository.insert({
      owner,
      provider: request.provider,
      apiKeyEncrypted: sealed.ciphertext,
      keyVersion: sealed.keyVersion,
      keyLast4: last4(request.apiKey),
      fingerprint: this.crypto.fingerprintProviderKey(request.apiKey),
    });
    if (!entity) {
      const whose = owner.kind === 'team' ? 'This team already has' : 'You already have';
      throw new GatewayError('conflict', `${whose} a ${PROVIDER_LABELS[request.provider]} key. Update it with PUT ${keysPath(owner)}/${request.provider}.`, {
        param: 'provider',
      });
    }
    if (request.validate) {
      // It passed the test before saving: the page shows it as tested, not "Not yet".
      const verdict: ProviderKeyChanges = { lastTestedAt: new Date(), lastTestOk: true, health: 'ok' };
      await this.repository.update(entity.id, verdict);
      Object.assign(entity, verdict);
    }
    await this.changed(owner, request.provider);
    this.record(scope, 'provider_key.created', request.provider, origin, { last4: entity.keyLast4, validated: request.validate === true });
    const policy = (await this.repository.findPolicy(owner, request.provider)) ?? DEFAULT_FALLBACK_POLICY;
    return withWarnings(this.toView(entity, policy), warnings);
  }

  async getProviderKey(owner: KeyOwner, provider: ProviderId): Promise<ProviderKeyView> {
    const entity = await this.require(owner, provider);
    return this.toView(entity, (await this.repository.findPolicy(owner, provider)) ?? DEFAULT_FALLBACK_POLICY);
  }

  async listProviderKeys(owner: KeyOwner): Promise<ProviderKeyView[]> {
    const [entities, policies] = await Promise.all([this.repository.listByOwner(owner), this.repository.listPolicies(owner)]);
    return entities
      .sort((a, b) => PROVIDER_IDS.indexOf(a.provider) - PROVIDER_IDS.indexOf(b.provider))
      .map((entity) => this.toView(entity, policies.get(entity.provider) ?? DEFAULT_FALLBACK_POLICY));
  }

  /**
   * Replaces the key, switches it on or off, and/or sets the provider's fallback policy (§8). A policy
   * alone needs no stored key: the answer is then the policy row (`key: null`).
   */
  async updateProviderKey(
    scope: KeyScope,
    provider: ProviderId,
    request: UpdateProviderKeyRequest,
    origin?: RequestOrigin,
  ): Promise<ProviderKeyView | ProviderPolicyView> {
    if (request.apiKey === undefined && request.isActive === undefined && request.fallbackPolicy === undefined) {
      throw new GatewayError('validation_failed', 'Send apiKey, isActive, fallbackPolicy or a combination.', { param: 'apiKey' });
    }
    const { owner } = scope;
    const entity = await this.repository.find(owner, provider);
    if (!entity && (request.apiKey !== undefined || request.isActive !== undefined)) throw notFound(owner, provider);
    const previousPolicy = (await this.repository.findPolicy(owner, provider)) ?? DEFAULT_FALLBACK_POLICY;
    let warnings: ProviderKeyWarning[] = [];
    if (entity && (request.apiKey !== undefined || request.isActive !== undefined)) {
      const changes: ProviderKeyChanges = {};
      if (request.apiKey !== undefined) {
        warnings = await this.checkFingerprint(owner, provider, request.apiKey, entity.id);
        if (request.validate) await this.requireAccepted(scope.actorId, provider, request.apiKey);
        const sealed = this.crypto.encryptProviderKey(request.apiKey, { owner, provider });
        // The old verdict was about the old key; the new one is untested unless it was tested before saving.
        const verdict: ProviderKeyChanges = request.validate
          ? { lastTestOk: true, lastTestedAt: new Date(), health: 'ok' }
          : { lastTestOk: null, lastTestedAt: null, health: 'unverified' };
        Object.assign(changes, {
          apiKeyEncrypted: sealed.ciphertext,
          keyVersion: sealed.keyVersion,
          keyLast4: last4(request.apiKey),
          fingerprint: this.crypto.fingerprintProviderKey(request.apiKey),
          healthReason: null,
          healthUntil: null,
          ...verdict,
        });
      }
      if (request.isActive !== undefined) changes.isActive = request.isActive;
      await this.repository.update(entity.id, changes);
      const detail: AuditDetail = {};
      if (request.apiKey !== undefined) detail['replaced'] = true;
      if (changes.keyLast4 !== undefined) detail['last4'] = changes.keyLast4;
      if (request.isActive !== undefined) detail['isActive'] = request.isActive;
      this.record(scope, 'provider_key.updated', provider, origin, detail);
    }
    if (request.fallbackPolicy !== undefined && request.fallbackPolicy !== previousPolicy) {
      await this.repository.savePolicy(owner, provider, request.fallbackPolicy);
      this.record(scope, 'provider_key.policy_changed', provider, origin, { from: previousPolicy, to: request.fallbackPolicy });
    }
    await this.changed(owner, provider);
    const policy = request.fallbackPolicy ?? previousPolicy;
    if (!entity) return { provider, fallbackPolicy: policy, key: null };
    return withWarnings(this.toView(await this.require(owner, provider), policy), warnings);
  }

  async deleteProviderKey(scope: KeyScope, provider: ProviderId, origin?: RequestOrigin): Promise<void> {
    if (!(await this.repository.delete(scope.owner, provider))) throw notFound(scope.owner, provider);
    await this.changed(scope.owner, provider);
    this.record(scope, 'provider_key.deleted', provider, origin);
  }

  /**
   * A team is gone (§9): its rows went with it (`ON DELETE CASCADE`); its policies have no foreign key and go
   * here; every replica drops the team's cached credentials.
   */
  async forgetOwner(owner: KeyOwner): Promise<void> {
    await this.repository.deletePolicies(owner);
    await Promise.all(PROVIDER_IDS.map((provider) => this.changed(owner, provider)));
  }

  /** Tests the stored key and remembers the verdict (`lastTestOk` and `health`) for the settings page. */
  async testProviderKey(scope: KeyScope, provider: ProviderId, origin?: RequestOrigin): Promise<ProviderKeyTestResult> {
    const entity = await this.require(scope.owner, provider);
    let apiKey: string;
    try {
      apiKey = this.decrypt(entity);
    } catch (error) {
      if (!(error instanceof ProviderKeyDecryptionError)) throw error;
      return { ok: false, provider, latencyMs: 0, status: null, message: unusableMessage(provider, scope.owner.kind) };
    }
    await this.countKeyTest(scope.actorId);
    // A success clears any state; a failure that says something about the key sets it; an outage says nothing.
    const { result, verdict } = await this.tester.probe(provider, apiKey);
    const changes: ProviderKeyChanges = { lastTestedAt: new Date(), lastTestOk: result.ok };
    if (verdict) Object.assign(changes, { health: verdict.health, healthReason: verdict.reason, healthUntil: verdict.until });
    await this.repository.update(entity.id, changes);
    this.record(scope, 'provider_key.tested', provider, origin, { ok: result.ok, status: result.status }, result.ok ? 'success' : 'failure');
    if (verdict && (verdict.health !== entity.health || verdict.reason !== entity.healthReason)) {
      this.record(scope, 'provider_key.health_changed', provider, origin, { from: entity.health, to: verdict.health, via: 'test' });
      await this.changed(scope.owner, provider);
    }
    return result;
  }

  /** Per provider: is there a server key, is fallback allowed, the user's policy, and does this user fall back now. */
  async providerStatuses(userId: string): Promise<ProviderStatus[]> {
    const owner: KeyOwner = { kind: 'user', id: userId };
    const [keys, policies] = await Promise.all([this.repository.listByOwner(owner), this.repository.listPolicies(owner)]);
    const now = Date.now();
    return PROVIDER_IDS.map((provider) => {
      const serverKeyConfigured = this.config.providers[provider].serverKey !== undefined;
      const fallbackAllowed = this.config.allowServerKeyFallback;
      const fallbackPolicy = policies.get(provider) ?? DEFAULT_FALLBACK_POLICY;
      const own = keys.find((key) => key.provider === provider && key.isActive && !isKeySkipped(key.health, key.healthUntil, now));
      const wantsServerKey = fallbackPolicy === 'server_only' || (fallbackPolicy === 'byok_then_server' && !own);
      return { provider, label: PROVIDER_LABELS[provider], serverKeyConfigured, fallbackAllowed, usesServerKey: wantsServerKey && serverKeyConfigured && fallbackAllowed, fallbackPolicy };
    });
  }

  /**
   * The owner's policy for `provider` and their stored key with its health. Warm calls touch neither the
   * database nor the cipher. An inactive key is `none`; one that no longer decrypts is `unusable`.
   */
  async ownerKeyState(owner: KeyOwner, provider: ProviderId, requestId?: string): Promise<OwnerKeyState> {
    const cacheKey = cacheKeyOf(owner, provider);
    const entry = this.credentials.get(cacheKey);
    this.metrics.cacheLookup('provider_credential', entry !== undefined);
    return entry ?? (await this.credentials.getOrLoad(cacheKey, () => this.loadCredential(owner, provider, requestId)))!;
  }

  /** The request goes upstream with this stored key: its `last_used_at` is written in the background. */
  markUsed(key: StoredKeyState): void {
    this.lastUsed.record('user_provider_keys', key.credential.providerKeyId);
  }

  /**
   * What live traffic said about a stored key (§8): a verdict (401/403/402/429) or `ok` after a success.
   * Applies on this replica at once (the next request already skips the key), then is written and
   * broadcast in the background: never awaited by the request, never failing it. Only a change is written.
   * `userId` is the caller whose request it was (the audit event's actor); the key's owner is `key.owner`.
   */
  reportTraffic(userId: string, provider: ProviderId, key: StoredKeyState, verdict: HealthVerdict | 'ok', requestId?: string): void {
    const next: HealthVerdict = verdict === 'ok' ? { health: 'ok', reason: null, until: null } : verdict;
    if (next.health === key.health && next.until?.getTime() === key.healthUntil?.getTime()) return;
    const from = key.health;
    key.health = next.health;
    key.healthUntil = next.until;
    key.healthReason = next.reason;
    void this.persistHealth(provider, key, next)
      .then((written) => {
        if (written) this.record({ owner: key.owner, actorId: userId }, 'provider_key.health_changed', provider, undefined, { from, to: next.health, via: 'request' });
      })
      .catch((error: unknown) => this.logger.warn({ reqId: requestId, err: error, provider }, 'could not record a provider key health change'));
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
        const owner = ownerOf(entity);
        const sealed = this.crypto.encryptProviderKey(plaintext, { owner, provider: entity.provider });
        // The fingerprint secret comes from the master key too: re-computed with the ciphertext, so it stays valid.
        const fingerprint = this.crypto.fingerprintProviderKey(plaintext);
        const replaced = await this.repository.replaceCiphertext(entity.id, entity.apiKeyEncrypted, { apiKeyEncrypted: sealed.ciphertext, keyVersion: sealed.keyVersion, fingerprint });
        if (replaced) {
          report.rotated += 1;
          // A team's rotation is attributed to its owner: the audit log names a person, and the team's admins see it.
          const actorId = owner.kind === 'user' ? owner.id : await this.repository.teamOwnerId(owner.id);
          if (actorId) {
            this.audit.record({
              actor: { id: actorId },
              action: 'provider_key.rotated',
              provider: entity.provider,
              ...(owner.kind === 'team' ? { teamId: owner.id } : {}),
              detail: { fromVersion: entity.keyVersion, toVersion: sealed.keyVersion },
            });
          }
        } else report.skipped += 1; // changed by its user meanwhile: already sealed with the current key
      }
    }
  }

  private async loadCredential(owner: KeyOwner, provider: ProviderId, requestId: string | undefined): Promise<CredentialEntry> {
    const [entity, storedPolicy] = await Promise.all([this.repository.find(owner, provider), this.repository.findPolicy(owner, provider)]);
    const policy = storedPolicy ?? DEFAULT_FALLBACK_POLICY;
    if (!entity || !entity.isActive) return { policy, key: { kind: 'none' } };
    try {
      const credential = { apiKey: this.decrypt(entity), providerKeyId: entity.id };
      return {
        policy,
        key: { kind: 'stored', owner, credential, health: entity.health, healthUntil: entity.healthUntil, healthReason: entity.healthReason, fingerprint: entity.fingerprint },
      };
    } catch (error) {
      if (!(error instanceof ProviderKeyDecryptionError)) throw error;
      this.logger.error({ reqId: requestId, providerKeyId: entity.id, provider, reason: error.message }, 'stored provider key does not decrypt');
      return { policy, key: { kind: 'unusable' } };
    }
  }

  /** Writes a traffic verdict unless the key was replaced meanwhile; tells every replica. */
  private async persistHealth(provider: ProviderId, key: StoredKeyState, verdict: HealthVerdict): Promise<boolean> {
    const written = await this.repository.updateHealth(key.credential.providerKeyId, key.fingerprint, {
      health: verdict.health,
      healthReason: verdict.reason,
      healthUntil: verdict.until,
      // The settings page's older boolean follows the provider's refusals too.
      ...(verdict.health === 'rejected' ? { lastTestOk: false, lastTestedAt: new Date() } : {}),
    });
    if (written) await this.changed(key.owner, provider);
    return written;
  }

  /**
   * §8 fingerprints: the same key stored by this owner for another provider is refused (409); stored by
   * another account or team it is saved with a warning that never says whose.
   */
  private async checkFingerprint(owner: KeyOwner, provider: ProviderId, apiKey: string, exceptId?: string): Promise<ProviderKeyWarning[]> {
    const matches = await this.repository.findByFingerprint(this.crypto.fingerprintCandidates(apiKey), exceptId);
    const isOwn = (match: { owner: KeyOwner }) => match.owner.kind === owner.kind && match.owner.id === owner.id;
    const own = matches.find((match) => isOwn(match) && match.provider !== provider);
    if (own) {
      const whose = owner.kind === 'team' ? "as this team's" : 'as your';
      throw new GatewayError('conflict', `You already store this key ${whose} ${PROVIDER_LABELS[own.provider]} key.`, { param: 'apiKey' });
    }
    return matches.some((match) => !isOwn(match)) ? ['key_in_use_elsewhere'] : [];
  }

  /** Team keys' events carry `teamId`, so the team's admins see them in their audit log (§8). */
  private record(scope: KeyScope, action: AuditAction, provider: ProviderId, origin: RequestOrigin | undefined, detail?: AuditDetail, outcome: 'success' | 'failure' = 'success'): void {
    const teamId = scope.owner.kind === 'team' ? scope.owner.id : undefined;
    this.audit.record({ actor: { id: scope.actorId }, action, provider, ...(teamId ? { teamId } : {}), origin, detail, outcome });
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
    const decision = await this.rateLimits.hit(keyTestBucket(userId), limit, KEY_TEST_WINDOW_SECONDS);
    if (decision.allowed) return;
    throw this.keyTestsExhausted(limit, decision.retryAfterSeconds);
  }

  /**
   * Before a request goes upstream with a per-request key not known to be good (§8, see RequestKeyBudget): one key test
   * counted now, or the same 429 once the user's budget is spent — else every gateway route is an unlimited key checker
   * (200 vs 401). Counted before the call, so requests sent at once cannot pass a spent budget together; the returned
   * function gives it back when the provider did not refuse the key (a refusal is the test spent).
   */
  async reserveRequestKeyTest(userId: string): Promise<() => Promise<void>> {
    const limit = this.config.quotas.providerKeyTestsPerHour;
    const attempt = await this.rateLimits.hit(keyTestBucket(userId), limit, KEY_TEST_WINDOW_SECONDS);
    const refund = () =>
      this.rateLimits.refund(attempt).catch((error: unknown) => this.logger.warn({ err: error }, 'key-test budget: giving back an attempt failed; it stays counted'));
    if (attempt.allowed) return refund;
    // Refused, so not an attempt: a burst past the limit does not leave the budget spent beyond it.
    await refund();
    throw this.keyTestsExhausted(limit, attempt.retryAfterSeconds);
  }

  /** A per-request key the provider refused (401/403) although it was not counted before (it had been good): one key test spent. */
  async countRefusedRequestKey(userId: string): Promise<void> {
    await this.rateLimits.hit(keyTestBucket(userId), this.config.quotas.providerKeyTestsPerHour, KEY_TEST_WINDOW_SECONDS);
  }

  private keyTestsExhausted(limit: number, retryAfterSeconds: number): GatewayError {
    this.metrics.limitRejected('provider_key_tests');
    return new GatewayError(
      'rate_limit_exceeded',
      `Too many provider-key tests: at most ${limit} per hour per user (PROVIDER_KEY_TESTS_PER_HOUR), counting validate: true, and the x-uniroute-provider-key keys and newly saved keys the provider refused. Retry in ${retryAfterSeconds} s.`,
      { headers: { 'retry-after': String(retryAfterSeconds) } },
    );
  }

  private async require(owner: KeyOwner, provider: ProviderId): Promise<ProviderKeyEntity> {
    const entity = await this.repository.find(owner, provider);
    if (!entity) throw notFound(owner, provider);
    return entity;
  }

  private async changed(owner: KeyOwner, provider: ProviderId): Promise<void> {
    await this.invalidation.publish({ kind: 'provider-key', ownerKind: owner.kind, ownerId: owner.id, provider });
  }

  private decrypt(entity: ProviderKeyEntity): string {
    return this.crypto.decryptProviderKey({ ciphertext: entity.apiKeyEncrypted, keyVersion: entity.keyVersion }, { owner: ownerOf(entity), provider: entity.provider });
  }

  private isUsable(entity: ProviderKeyEntity): boolean {
    try {
      this.decrypt(entity);
      return true;
    } catch {
      return false;
    }
  }

  private toView(entity: ProviderKeyEntity, fallbackPolicy: FallbackPolicy): ProviderKeyView {
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
      fallbackPolicy,
      health: entity.health,
      healthReason: entity.healthReason,
      healthUntil: entity.healthUntil?.toISOString() ?? null,
    };
  }
}

function withWarnings(view: ProviderKeyView, warnings: ProviderKeyWarning[]): ProviderKeyView {
  return warnings.length > 0 ? { ...view, warnings } : view;
}

function last4(apiKey: string): string {
  return apiKey.slice(-4);
}

function notFound(owner: KeyOwner, provider: ProviderId): GatewayError {
  const whose = owner.kind === 'team' ? 'This team has' : 'You have';
  return new GatewayError('not_found', `${whose} no ${PROVIDER_LABELS[provider]} key.`, { param: 'provider' });
}

/** Where the owner's keys are managed, for messages that say what to do. */
function keysPath(owner: KeyOwner): string {
  return owner.kind === 'team' ? `/admin/teams/${owner.id}/provider-keys` : '/admin/provider-keys';
}

/** Why a stored key that no longer decrypts cannot be used, and what to do. */
export function unusableMessage(provider: ProviderId, ownerKind: KeyOwner['kind'] = 'user'): string {
  if (ownerKind === 'team') {
    return `The team's stored ${PROVIDER_LABELS[provider]} key can no longer be decrypted (it was altered or the master key changed). A team admin must delete it and add it again.`;
  }
  return `Your stored ${PROVIDER_LABELS[provider]} key can no longer be decrypted (it was altered or the master key changed). Delete it and add it again in Settings → Provider keys.`;
}
