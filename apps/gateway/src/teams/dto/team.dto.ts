import { ApiProperty } from '@nestjs/swagger';
import {
  TEAM_INVITABLE_ROLES,
  TEAM_NAME_MAX_LENGTH,
  TEAM_ROLES,
  type AcceptedTeamInvitation,
  type CreateTeamInvitationRequest,
  type CreatedTeam,
  type CreatedTeamInvitation,
  type TeamInvitableRole,
  type TeamInvitationView,
  type TeamMemberView,
  type TeamNameRequest,
  type TeamRole,
  type TeamView,
  type UpdateTeamMemberRequest,
} from '@uniroute/shared';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** `POST /admin/teams` and `PATCH /admin/teams/:id` body. */
export class TeamNameDto implements TeamNameRequest {
  @ApiProperty({ example: 'Platform', maxLength: TEAM_NAME_MAX_LENGTH })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(TEAM_NAME_MAX_LENGTH)
  name: string;
}

/** `POST /admin/teams/:id/invitations` body. */
export class CreateTeamInvitationDto implements CreateTeamInvitationRequest {
  @ApiProperty({ example: 'grace@example.com', maxLength: 320, description: 'Only the account with this email can accept it.' })
  @Transform(trim)
  @IsString()
  @MaxLength(320)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;

  @ApiProperty({ enum: TEAM_INVITABLE_ROLES, description: 'Ownership is never granted by invitation, only transferred.' })
  @IsIn(TEAM_INVITABLE_ROLES, { message: `role must be one of ${TEAM_INVITABLE_ROLES.join(', ')}` })
  role: TeamInvitableRole;
}

/** `PATCH /admin/teams/:id/members/:userId` body. */
export class UpdateTeamMemberDto implements UpdateTeamMemberRequest {
  @ApiProperty({ enum: TEAM_ROLES, description: '`owner` transfers ownership (the owner only); the previous owner becomes `admin`.' })
  @IsIn(TEAM_ROLES, { message: `role must be one of ${TEAM_ROLES.join(', ')}` })
  role: TeamRole;
}

/** OpenAPI description of `CreatedTeam`. */
export class CreatedTeamDto implements CreatedTeam {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['owner'] }) role: 'owner';
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** OpenAPI description of `TeamView`. */
export class TeamViewDto implements TeamView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TEAM_ROLES, description: "The caller's own role." }) role: TeamRole;
  @ApiProperty() memberCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** OpenAPI description of `TeamMemberView`. */
export class TeamMemberViewDto implements TeamMemberView {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: TEAM_ROLES }) role: TeamRole;
  @ApiProperty({ format: 'date-time' }) joinedAt: string;
}

/** OpenAPI description of `CreatedTeamInvitation`. */
export class CreatedTeamInvitationDto implements CreatedTeamInvitation {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Single use, shown only in this response; only its SHA-256 is stored.', example: 'tinv_…' }) token: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ description: 'The link to give the invitee.' }) url: string;
}

/** An open team invitation as its team's admins list it (never the token). */
export class TeamInvitationViewDto implements TeamInvitationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: TEAM_INVITABLE_ROLES }) role: TeamInvitableRole;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

/** OpenAPI description of `AcceptedTeamInvitation`. */
export class AcceptedTeamInvitationDto implements AcceptedTeamInvitation {
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ enum: TEAM_ROLES }) role: TeamRole;
}
