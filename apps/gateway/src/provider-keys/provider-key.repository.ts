import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { FallbackPolicy, ProviderId } from '@uniroute/shared';
import { In, IsNull, MoreThan, Not, Repository } from 'typeorm';
import type { KeyOwner } from '../crypto/crypto.service.js';
import { isUniqueViolation } from '../database/is-unique-violation.js';
import { ProviderKeyPolicyEntity } from './provider-key-policy.entity.js';
import { ProviderKeyEntity } from './provider-key.entity.js';

/** The columns a new row needs. */
export interface NewProviderKey {
  owner: KeyOwner;
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
  readonly owner: KeyOwner;
  readonly provider: ProviderId;
}

/** The owner a stored row belongs to. */
export function ownerOf(entity: Pick<ProviderKeyEntity, 'userId' | 'teamId'>): KeyOwner {
  if (entity.teamId) return { kind: 'team', id: entity.teamId };
  return { kind: 'user', id: entity.userId! };
}

/** The row columns that name `owner`. */
function ownerColumns(owner: KeyOwner): { userId: string } | { teamId: string } {
  return owner.kind === 'team' ? { teamId: owner.id } : { userId: owner.id };
}

/** Storage of provider keys; every query is scoped to one owner (user or team) except the rotation scan. */
export interface ProviderKeyRepository {
  listByOwner(owner: KeyOwner): Promise<ProviderKeyEntity[]>;
  find(owner: KeyOwner, provider: ProviderId): Promise<ProviderKeyEntity | null>;
  /** @returns `null` when the owner already has a key for that provider. */
  insert(values: NewProviderKey): Promise<ProviderKeyEntity | null>;
  update(id: string, changes: ProviderKeyChanges): Promise<void>;
  /** A traffic verdict, written only while the row still holds the key it is about (`fingerprint`). */
  updateHealth(id: string, fingerprint: string | null, changes: ProviderKeyChanges): Promise<boolean>;
  /** Rows whose fingerprint is one of `fingerprints`, other than row `exceptId`. */
  findByFingerprint(fingerprints: readonly string[], exceptId?: string): Promise<FingerprintMatch[]>;
  /** The owner's policy for `provider`, `null` when they never set one. */
  findPolicy(owner: KeyOwner, provider: ProviderId): Promise<FallbackPolicy | null>;
  listPolicies(owner: KeyOwner): Promise<Map<ProviderId, FallbackPolicy>>;
  savePolicy(owner: KeyOwner, provider: ProviderId, policy: FallbackPolicy): Promise<void>;
  delete(owner: KeyOwner, provider: ProviderId): Promise<boolean>;
  /** Removes every policy row of `owner` (a deleted team's; they have no foreign key). */
  deletePolicies(owner: KeyOwner): Promise<void>;
  /** The user who owns team `teamId` now, `null` when there is none. */
  teamOwnerId(teamId: string): Promise<string | null>;
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

  listByOwner(owner: KeyOwner): Promise<ProviderKeyEntity[]> {
    return this.rows.find({ where: ownerColumns(owner), order: { provider: 'ASC' } });
  }

  find(owner: KeyOwner, provider: ProviderId): Promise<ProviderKeyEntity | null> {
    return this.rows.findOneBy({ ...ownerColumns(owner), provider });
  }

  async insert(values: NewProviderKey): Promise<ProviderKeyEntity | null> {
    const { owner, ...columns } = values;
    try {
      return await this.rows.save(this.rows.create({ ...columns, userId: null, teamId: null, ...ownerColumns(owner), isActive: true }));
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
      // Only a real change counts as written (and is broadcast and audited): requests that loaded the key before
      // the first success was written all report it again, and must not set off a round of reloads each.
      .andWhere('(health IS DISTINCT FROM :health OR health_until IS DISTINCT FROM :healthUntil OR health_reason IS DISTINCT FROM :healthReason)', {
        health: changes.health,
        healthUntil: changes.healthUntil ?? null,
        healthReason: changes.healthReason ?? null,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async findByFingerprint(fingerprints: readonly string[], exceptId?: string): Promise<FingerprintMatch[]> {
    if (fingerprints.length === 0) return [];
    const rows = await this.rows.find({
      select: { id: true, userId: true, teamId: true, provider: true },
      where: { fingerprint: In([...fingerprints]), ...(exceptId ? { id: Not(exceptId) } : {}) },
      take: 10,
    });
    return rows.map((row) => ({ owner: ownerOf(row), provider: row.provider }));
  }

  async findPolicy(owner: KeyOwner, provider: ProviderId): Promise<FallbackPolicy | null> {
    const row = await this.policies.findOneBy({ ownerKind: owner.kind, ownerId: owner.id, provider });
    return row?.fallbackPolicy ?? null;
  }

  async listPolicies(owner: KeyOwner): Promise<Map<ProviderId, FallbackPolicy>> {
    const rows = await this.policies.findBy({ ownerKind: owner.kind, ownerId: owner.id });
    return new Map(rows.map((row) => [row.provider, row.fallbackPolicy]));
  }

  async savePolicy(owner: KeyOwner, provider: ProviderId, policy: FallbackPolicy): Promise<void> {
    await this.policies.upsert({ ownerKind: owner.kind, ownerId: owner.id, provider, fallbackPolicy: policy }, ['ownerKind', 'ownerId', 'provider']);
  }

  async delete(owner: KeyOwner, provider: ProviderId): Promise<boolean> {
    const result = await this.rows.delete({ ...ownerColumns(owner), provider });
    return (result.affected ?? 0) > 0;
  }

  async deletePolicies(owner: KeyOwner): Promise<void> {
    await this.policies.delete({ ownerKind: owner.kind, ownerId: owner.id });
  }

  async teamOwnerId(teamId: string): Promise<string | null> {
    const rows: Array<{ user_id: string }> = await this.rows.query(`SELECT user_id FROM team_members WHERE team_id = $1 AND role = 'owner'`, [teamId]);
    return rows[0]?.user_id ?? null;
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
