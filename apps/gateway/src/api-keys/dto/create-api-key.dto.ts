import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_NAME_MAX_LENGTH, type CreateApiKeyRequest } from '@uniroute/shared';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** `POST /admin/api-keys` body. */
export class CreateApiKeyDto implements CreateApiKeyRequest {
  @ApiProperty({ example: 'laptop', maxLength: API_KEY_NAME_MAX_LENGTH })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(API_KEY_NAME_MAX_LENGTH)
  name: string;

  @ApiProperty({ required: false, format: 'uuid', description: "A team API key (§9): its requests use the team's provider keys and policy, never yours. You must be a member of the team." })
  @IsOptional()
  @IsUUID('all', { message: 'teamId must be a team id (UUID)' })
  teamId?: string;
}
