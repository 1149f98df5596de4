import { ApiPropertyOptional } from '@nestjs/swagger';
import type { CreateInvitationRequest } from '@uniroute/shared';
import { IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const INVITATION_DEFAULT_HOURS = 72;
export const INVITATION_MAX_HOURS = 720;

/** `POST /admin/invitations` body. */
export class CreateInvitationDto implements CreateInvitationRequest {
  @ApiPropertyOptional({ example: 'grace@example.com', maxLength: 320, description: 'Only this email can register with the invitation.' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: INVITATION_MAX_HOURS, default: INVITATION_DEFAULT_HOURS })
  @IsOptional()
  @IsInt({ message: 'expiresInHours must be a whole number' })
  @Min(1)
  @Max(INVITATION_MAX_HOURS)
  expiresInHours?: number;
}
