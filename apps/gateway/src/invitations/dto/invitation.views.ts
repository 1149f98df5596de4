import { ApiProperty } from '@nestjs/swagger';
import type { InvitationCreated, InvitationView } from '@uniroute/shared';

/** OpenAPI description of `InvitationCreated`. */
export class InvitationCreatedDto implements InvitationCreated {
  @ApiProperty({ description: 'The invitation token. Shown exactly once; only its hash is stored.' }) token: string;
  @ApiProperty({ description: 'The register page with the token, to send to the invitee.' }) url: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

/** OpenAPI description of `InvitationView`. */
export class InvitationViewDto implements InvitationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'email', nullable: true, type: String }) email: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}
