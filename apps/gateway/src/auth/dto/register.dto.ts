import { ApiPropertyOptional } from '@nestjs/swagger';
import type { RegisterRequest } from '@uniroute/shared';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CredentialsDto } from './credentials.dto.js';

/** `POST /auth/register` body. */
export class RegisterDto extends CredentialsDto implements RegisterRequest {
  @ApiPropertyOptional({ description: 'The token from an invitation link; needed under `REGISTRATION=invite` once an account exists.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  invitation?: string;
}
