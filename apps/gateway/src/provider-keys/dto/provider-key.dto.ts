import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  FALLBACK_POLICIES,
  PROVIDER_IDS,
  PROVIDER_KEY_MAX_LENGTH,
  PROVIDER_KEY_MIN_LENGTH,
  type CreateProviderKeyRequest,
  type FallbackPolicy,
  type ProviderId,
  type UpdateProviderKeyRequest,
} from '@uniroute/shared';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Printable ASCII with no spaces: what every provider's keys are made of. */
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;
const KEY_CHARACTERS_MESSAGE = 'apiKey must be a single token of printable characters (no spaces or line breaks)';
const KEY_LENGTH_MESSAGE = `apiKey must be between ${PROVIDER_KEY_MIN_LENGTH} and ${PROVIDER_KEY_MAX_LENGTH} characters`;

/** `POST /admin/provider-keys` body. */
export class CreateProviderKeyDto implements CreateProviderKeyRequest {
  @ApiProperty({ enum: PROVIDER_IDS })
  @IsIn(PROVIDER_IDS, { message: `provider must be one of: ${PROVIDER_IDS.join(', ')}` })
  provider: ProviderId;

  @ApiProperty({ description: 'The provider API key. Stored encrypted; never shown again.', format: 'password' })
  @Transform(trim)
  @IsString()
  @Length(PROVIDER_KEY_MIN_LENGTH, PROVIDER_KEY_MAX_LENGTH, { message: KEY_LENGTH_MESSAGE })
  @Matches(KEY_CHARACTERS, { message: KEY_CHARACTERS_MESSAGE })
  apiKey: string;

  @ApiPropertyOptional({ description: 'Test the key with the provider first; refuse (422) a key it rejects.' })
  @IsOptional()
  @IsBoolean()
  validate?: boolean;
}

/** `PUT /admin/provider-keys/:provider` body. */
export class UpdateProviderKeyDto implements UpdateProviderKeyRequest {
  @ApiPropertyOptional({ description: 'A replacement key.', format: 'password' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(PROVIDER_KEY_MIN_LENGTH, PROVIDER_KEY_MAX_LENGTH, { message: KEY_LENGTH_MESSAGE })
  @Matches(KEY_CHARACTERS, { message: KEY_CHARACTERS_MESSAGE })
  apiKey?: string;

  @ApiPropertyOptional({ description: 'false = keep the key but stop using it.' })
  @IsOptional()
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  validate?: boolean;

  @ApiPropertyOptional({ enum: FALLBACK_POLICIES, description: 'May the server key serve you for this provider (§8)? Allowed with no key stored.' })
  @IsOptional()
  @IsIn(FALLBACK_POLICIES, { message: `fallbackPolicy must be one of: ${FALLBACK_POLICIES.join(', ')}` })
  fallbackPolicy?: FallbackPolicy;
}
