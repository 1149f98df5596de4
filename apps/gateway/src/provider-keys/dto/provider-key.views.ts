import { ApiProperty } from '@nestjs/swagger';
import {
  PROVIDER_IDS,
  PROVIDER_KEY_ALGORITHM,
  type ProviderId,
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
}
