import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FallbackPolicy, ProviderId } from '@uniroute/shared';
import { In, IsNull, MoreThan, Not, Repository } from 'typeorm';
import { isUniqueViolation } from '../database/is-unique-violation.js';
import { ProviderKeyPolicyEntity } from './provider-key-policy.entity.js';
import { ProviderKeyEntity } from './provider-key.entity.js';

/** The columns a new row needs. */
export interface NewProviderKey {
  userId: string;
  provider: ProviderId;
  apiKeyEncrypted: string;
  keyVersion: number;
  keyLast4: string;
  fingerprint: string;
}

/** The columns a change may touch. */
export type ProviderKeyChanges = Partial<
  Pick<ProviderKeyEntity, 'apiKeyEncrypted' | 'keyVersion' | 'keyLast4' | 'isActive' | 'lastTestedAt' | 'lastTestOk' | 'health' | 'healthReason' | 'healthUntil' | 'fingerprint'>
>;

/** Another row holding the same key (by fingerprint): whose is all the caller learns, never which account. */
export interface FingerprintMatch {
  readonly userId: string;
  readonly provider: ProviderId;
}

/** Storage of provider keys; every query is scoped to one user except the rotation scan. */
export interface ProviderKeyRepository {
  listByUser(userId: string): Promise<ProviderKeyEntity[]>;
  find(userId: string, provider: ProviderId): Promise<ProviderKeyEntity | null>;
  /** @returns `null` when the user already has a key for that provider. */
  insert(values: NewProviderKey): Promise<ProviderKeyEntity | null>;
  update(id: string, changes: ProviderKeyChanges): Promise<void>;
  /** A traffic verdict, written only while the row still holds the key it is about (`fingerprint`). */
  updateHealth(id: string, fingerprint: string | null, changes: ProviderKeyChanges): Promise<boolean>;
  /** Rows whose fingerprint is one of `fingerprints`, other than row `exceptId`. */
  findByFingerprint(fingerprints: readonly string[], exceptId?: string): Promise<FingerprintMatch[]>;
  /** The user's policy for `provider`, `null` when they never set one. */
  findPolicy(userId: string, provider: ProviderId): Promise<FallbackPolicy | null>;
  listPolicies(userId: string): Promise<Map<ProviderId, FallbackPolicy>>;
  savePolicy(userId: string, provider: ProviderId, policy: FallbackPolicy): Promise<void>;
  delete(userId: string, provider: ProviderId): Promise<boolean>;
  /** Rows not yet sealed with `currentVersion`, in id order after `afterId`. */
  findNotAtVersion(currentVersion: number, afterId: string | null, limit: number): Promise<ProviderKeyEntity[]>;
  /** The master-key versions rows are sealed with, and up to `perVersion` of each (most recently changed first). */
  sampleByKeyVersion(perVersion: number): Promise<Map<number, ProviderKeyEntity[]>>;
  /** Replaces the ciphertext only if nobody changed it meanwhile (optimistic, for rotation under load). */
  replaceCiphertext(id: string, previous: string, next: { apiKeyEncrypted: string; keyVersion: number; fingerprint: string }): Promise<boolean>;
}

export const PROVIDER_KEY_REPOSITORY = Symbol('PROVIDER_KEY_REPOSITORY');


/** `ProviderKeyRepository` on PostgreSQL (server or embedded) through TypeORM. */
@Injectable()
export class TypeOrmProviderKeyRepository implements ProviderKeyRepository {
  constructor(
    @InjectRepository(ProviderKeyEntity) private readonly rows: Repository<ProviderKeyEntity>,
    @InjectRepository(ProviderKeyPolicyEntity) private readonly policies: Repository<ProviderKeyPolicyEntity>,
  ) {}

  listByUser(userId: string): Promise<ProviderKeyEntity[]> {
    return this.rows.find({ where: { userId }, order: { provider: 'ASC' } });
  }

  find(userId: string, provider: ProviderId): Promise<ProviderKeyEntity | null> {
    return this.rows.findOneBy({ userId, provider });
  }

  async insert(values: NewProviderKey): Promise<ProviderKeyEntity | null> {
    try {
      return await this.rows.save(this.rows.create({ ...values, isActive: true }));
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async update(id: string, changes: ProviderKeyChanges): Promise<void> {
    await this.rows.update({ id }, changes);
  }

  async updateHealth(id: string, fingerprint: string | null, changes: ProviderKeyChanges): Promise<boolean> {
    // Not `updated_at`: a health change is the provider's doing, not the user's.
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({ ...changes, updatedAt: () => 'updated_at' })
      .where(fingerprint === null ? 'id = :id AND fingerprint IS NULL' : 'id = :id AND fingerprint = :fingerprint', { id, fingerprint })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async findByFingerprint(fingerprints: readonly string[], exceptId?: string): Promise<FingerprintMatch[]> {
    if (fingerprints.length === 0) return [];
    const rows = await this.rows.find({
      select: { id: true, userId: true, provider: true },
      where: { fingerprint: In([...fingerprints]), ...(exceptId ? { id: Not(exceptId) } : {}) },
      take: 10,
    });
    return rows.map((row) => ({ userId: row.userId, provider: row.provider }));
  }

  async findPolicy(userId: string, provider: ProviderId): Promise<FallbackPolicy | null> {
    const row = await this.policies.findOneBy({ ownerKind: 'user', ownerId: userId, provider });
    return row?.fallbackPolicy ?? null;
  }

  async listPolicies(userId: string): Promise<Map<ProviderId, FallbackPolicy>> {
    const rows = await this.policies.findBy({ ownerKind: 'user', ownerId: userId });
    return new Map(rows.map((row) => [row.provider, row.fallbackPolicy]));
  }

  async savePolicy(userId: string, provider: ProviderId, policy: FallbackPolicy): Promise<void> {
    await this.policies.upsert({ ownerKind: 'user', ownerId: userId, provider, fallbackPolicy: policy }, ['ownerKind', 'ownerId', 'provider']);
  }

  async delete(userId: string, provider: ProviderId): Promise<boolean> {
    const result = await this.rows.delete({ userId, provider });
    return (result.affected ?? 0) > 0;
  }

  findNotAtVersion(currentVersion: number, afterId: string | null, limit: number): Promise<ProviderKeyEntity[]> {
    return this.rows.find({
      // Rows without a fingerprint (stored before §8) get one from the same pass.
      where: [
        { keyVersion: Not(currentVersion), ...(afterId ? { id: MoreThan(afterId) } : {}) },
        { fingerprint: IsNull(), ...(afterId ? { id: MoreThan(afterId) } : {}) },
      ],
      order: { id: 'ASC' },
      take: limit,
    });
  }

  async sampleByKeyVersion(perVersion: number): Promise<Map<number, ProviderKeyEntity[]>> {
    const versions = await this.rows.createQueryBuilder('key').select('DISTINCT key.key_version', 'version').getRawMany<{ version: number }>();
    const samples = new Map<number, ProviderKeyEntity[]>();
    for (const { version } of versions) {
      samples.set(Number(version), await this.rows.find({ where: { keyVersion: Number(version) }, order: { updatedAt: 'DESC' }, take: perVersion }));
    }
    return samples;
  }

  async replaceCiphertext(id: string, previous: string, next: { apiKeyEncrypted: string; keyVersion: number; fingerprint: string }): Promise<boolean> {
    // Not through `update()`: rotation must not bump `updated_at`, the user did not change anything.
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({ apiKeyEncrypted: next.apiKeyEncrypted, keyVersion: next.keyVersion, fingerprint: next.fingerprint, updatedAt: () => 'updated_at' })
      .where('id = :id AND api_key_encrypted = :previous', { id, previous })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
