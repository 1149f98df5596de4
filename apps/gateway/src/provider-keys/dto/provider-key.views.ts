import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  FALLBACK_POLICIES,
  KEY_HEALTH_STATES,
  PROVIDER_IDS,
  PROVIDER_KEY_ALGORITHM,
  PROVIDER_KEY_WARNINGS,
  type FallbackPolicy,
  type KeyHealth,
  type ProviderId,
  type ProviderKeyWarning,
  type ProviderPolicyView,
  type ProviderKeyTestResult,
  type ProviderKeyView,
  type ProviderStatus,
} from '@uniroute/shared';

/** OpenAPI description of `ProviderKeyView`. */
export class ProviderKeyViewDto implements ProviderKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PROVIDER_IDS }) provider: ProviderId;
  @ApiProperty({ example: '••••••••a1b2' }) maskedKey: string;
  @ApiProperty({ example: 'a1b2' }) last4: string;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ enum: [true] }) encrypted: true;
  @ApiProperty({ enum: [PROVIDER_KEY_ALGORITHM] }) algorithm: typeof PROVIDER_KEY_ALGORITHM;
  @ApiProperty({ description: 'Master key version that sealed it.' }) keyVersion: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastTestedAt: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) lastTestOk: boolean | null;
  @ApiProperty({ description: 'false when the stored ciphertext no longer decrypts.' }) usable: boolean;
  @ApiProperty({ enum: FALLBACK_POLICIES }) fallbackPolicy: FallbackPolicy;
  @ApiProperty({ enum: KEY_HEALTH_STATES, description: 'rejected / quota_exhausted: skipped until replaced or a test succeeds; rate_limited: until healthUntil.' })
  health: KeyHealth;
  @ApiProperty({ nullable: true, type: String }) healthReason: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) healthUntil: string | null;
  @ApiPropertyOptional({ enum: PROVIDER_KEY_WARNINGS, isArray: true, description: 'Only on the answer to a save.' }) warnings?: ProviderKeyWarning[];
}

/** OpenAPI description of `ProviderPolicyView`: a policy with no key stored. */
export class ProviderPolicyViewDto implements ProviderPolicyView {
  @ApiProperty({ enum: PROVIDER_IDS }) provider: ProviderId;
  @ApiProperty({ enum: FALLBACK_POLICIES }) fallbackPolicy: FallbackPolicy;
  @ApiProperty({ nullable: true, type: Object, enum: [null] }) key: null;
}

/** OpenAPI description of `ProviderKeyTestResult`. */
export class ProviderKeyTestResultDto implements ProviderKeyTestResult {
  @ApiProperty() ok: boolean;
  @ApiProperty({ enum: PROVIDER_IDS }) provider: ProviderId;
  @ApiProperty() latencyMs: number;
  @ApiProperty({ nullable: true, type: Number }) status: number | null;
  @ApiProperty() message: string;
}

/** OpenAPI description of `ProviderStatus`. */
export class ProviderStatusDto implements ProviderStatus {
  @ApiProperty({ enum: PROVIDER_IDS }) provider: ProviderId;
  @ApiProperty() label: string;
  @ApiProperty() serverKeyConfigured: boolean;
  @ApiProperty() fallbackAllowed: boolean;
  @ApiProperty() usesServerKey: boolean;
  @ApiProperty({ enum: FALLBACK_POLICIES }) fallbackPolicy: FallbackPolicy;
}
