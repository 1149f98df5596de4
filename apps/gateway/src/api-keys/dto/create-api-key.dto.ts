import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_NAME_MAX_LENGTH, type CreateApiKeyRequest } from '@uniroute/shared';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** `POST /admin/api-keys` body. */
export class CreateApiKeyDto implements CreateApiKeyRequest {
  @ApiProperty({ example: 'laptop', maxLength: API_KEY_NAME_MAX_LENGTH })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(API_KEY_NAME_MAX_LENGTH)
  name: string;
}
