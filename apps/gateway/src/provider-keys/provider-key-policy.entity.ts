import type { FallbackPolicy, ProviderId } from '@uniroute/shared';
import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Who a policy (and later a key, §9) belongs to. */
export type KeyOwnerKind = 'user' | 'team';

/** An owner's fallback policy for one provider (§8); it exists with or without a stored key. */
@Entity({ name: 'provider_key_policies' })
export class ProviderKeyPolicyEntity {
  @PrimaryColumn({ name: 'owner_kind', type: 'varchar', length: 10 })
  ownerKind: KeyOwnerKind;

  @PrimaryColumn({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @PrimaryColumn({ type: 'varchar', length: 50 })
  provider: ProviderId;

  @Column({ name: 'fallback_policy', type: 'varchar', length: 20 })
  fallbackPolicy: FallbackPolicy;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
