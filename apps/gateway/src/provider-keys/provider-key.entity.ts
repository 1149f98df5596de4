import type { KeyHealth, ProviderId } from '@uniroute/shared';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A provider key (§4), AES-256-GCM encrypted; `keyVersion` names the master key used. It belongs to a user
 * or (§9) a team: exactly one of `userId` and `teamId` is set (a CHECK in the table says so).
 */
@Entity({ name: 'user_provider_keys' })
export class ProviderKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId: string | null;

  @Column({ type: 'varchar', length: 50 })
  provider: ProviderId;

  @Column({ name: 'api_key_encrypted', type: 'text' })
  apiKeyEncrypted: string;

  @Column({ name: 'key_version', type: 'integer' })
  keyVersion: number;

  @Column({ name: 'key_last4', type: 'varchar', length: 4 })
  keyLast4: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'last_tested_at', type: 'timestamptz', nullable: true })
  lastTestedAt: Date | null;

  @Column({ name: 'last_test_ok', type: 'boolean', nullable: true })
  lastTestOk: boolean | null;

  /** What the provider last said about the key, from tests and live traffic (§8). */
  @Column({ type: 'varchar', length: 20, default: 'unverified' })
  health: KeyHealth;

  @Column({ name: 'health_reason', type: 'varchar', length: 300, nullable: true })
  healthReason: string | null;

  @Column({ name: 'health_until', type: 'timestamptz', nullable: true })
  healthUntil: Date | null;

  /** HMAC-SHA256 of the plaintext under a secret derived from the master key (§8): finds a key saved twice. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  fingerprint: string | null;
}
