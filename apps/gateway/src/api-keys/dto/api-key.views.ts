import { ApiProperty } from '@nestjs/swagger';
import type { ApiKeyView, CreatedApiKey } from '@uniroute/shared';

/** OpenAPI description of `ApiKeyView`. */
export class ApiKeyViewDto implements ApiKeyView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'ur_AbCd123' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The team this key bills (§9); null for a personal key.' }) teamId: string | null;
}

/** OpenAPI description of `CreatedApiKey`. */
export class CreatedApiKeyDto implements CreatedApiKey {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The secret. Shown exactly once.', example: 'ur_…' }) key: string;
  @ApiProperty() prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) teamId: string | null;
}
