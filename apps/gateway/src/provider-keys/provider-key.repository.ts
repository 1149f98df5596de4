import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ProviderId } from '@uniroute/shared';
import { MoreThan, Not, Repository } from 'typeorm';
import { isUniqueViolation } from '../database/is-unique-violation.js';
import { ProviderKeyEntity } from './provider-key.entity.js';

/** The columns a new row needs. */
export interface NewProviderKey {
  userId: string;
  provider: ProviderId;
  apiKeyEncrypted: string;
  keyVersion: number;
  keyLast4: string;
}

/** Storage of provider keys; every query is scoped to one user except the rotation scan. */
export interface ProviderKeyRepository {
  listByUser(userId: string): Promise<ProviderKeyEntity[]>;
  find(userId: string, provider: ProviderId): Promise<ProviderKeyEntity | null>;
  /** @returns `null` when the user already has a key for that provider. */
  insert(values: NewProviderKey): Promise<ProviderKeyEntity | null>;
  update(id: string, changes: Partial<Pick<ProviderKeyEntity, 'apiKeyEncrypted' | 'keyVersion' | 'keyLast4' | 'isActive' | 'lastTestedAt' | 'lastTestOk'>>): Promise<void>;
  delete(userId: string, provider: ProviderId): Promise<boolean>;
  /** Rows not yet sealed with `currentVersion`, in id order after `afterId`. */
  findNotAtVersion(currentVersion: number, afterId: string | null, limit: number): Promise<ProviderKeyEntity[]>;
  /** The master-key versions rows are sealed with, and up to `perVersion` of each (most recently changed first). */
  sampleByKeyVersion(perVersion: number): Promise<Map<number, ProviderKeyEntity[]>>;
  /** Replaces the ciphertext only if nobody changed it meanwhile (optimistic, for rotation under load). */
  replaceCiphertext(id: string, previous: string, next: { apiKeyEncrypted: string; keyVersion: number }): Promise<boolean>;
}

export const PROVIDER_KEY_REPOSITORY = Symbol('PROVIDER_KEY_REPOSITORY');


/** `ProviderKeyRepository` on PostgreSQL (server or embedded) through TypeORM. */
@Injectable()
export class TypeOrmProviderKeyRepository implements ProviderKeyRepository {
  constructor(@InjectRepository(ProviderKeyEntity) private readonly rows: Repository<ProviderKeyEntity>) {}

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

  async update(id: string, changes: Parameters<ProviderKeyRepository['update']>[1]): Promise<void> {
    await this.rows.update({ id }, changes);
  }

  async delete(userId: string, provider: ProviderId): Promise<boolean> {
    const result = await this.rows.delete({ userId, provider });
    return (result.affected ?? 0) > 0;
  }

  findNotAtVersion(currentVersion: number, afterId: string | null, limit: number): Promise<ProviderKeyEntity[]> {
    return this.rows.find({
      where: { keyVersion: Not(currentVersion), ...(afterId ? { id: MoreThan(afterId) } : {}) },
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

  async replaceCiphertext(id: string, previous: string, next: { apiKeyEncrypted: string; keyVersion: number }): Promise<boolean> {
    // Not through `update()`: rotation must not bump `updated_at`, the user did not change anything.
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({ apiKeyEncrypted: next.apiKeyEncrypted, keyVersion: next.keyVersion, updatedAt: () => 'updated_at' })
      .where('id = :id AND api_key_encrypted = :previous', { id, previous })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}
