import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { AcceptedTeamInvitation, CreatedTeam, CreatedTeamInvitation, TeamInvitationView, TeamMemberView, TeamView } from '@uniroute/shared';
import type { FastifyRequest } from 'fastify';
import { CurrentOrigin, type RequestOrigin } from '../audit/request-origin.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { UsersService } from '../users/users.service.js';
import {
  AcceptedTeamInvitationDto,
  CreateTeamInvitationDto,
  CreatedTeamDto,
  CreatedTeamInvitationDto,
  TeamInvitationViewDto,
  TeamMemberViewDto,
  TeamNameDto,
  TeamViewDto,
  UpdateTeamMemberDto,
} from './dto/team.dto.js';
import { TeamsService } from './teams.service.js';

/** A malformed team id is a team that does not exist: the same 404 (§9). */
export const teamIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new GatewayError('not_found', 'No such team.', { param: 'id' }) });
const memberIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new GatewayError('not_found', 'No such member of this team.', { param: 'userId' }) });
const invitationIdPipe = new ParseUUIDPipe({ exceptionFactory: () => new GatewayError('not_found', 'No such open invitation.', { param: 'invitationId' }) });

const NOT_A_MEMBER = 'Not a member of the team (or no such team): 404, whether the team exists or not.';

/** Teams (§9): any member reads, admins write, the owner deletes and transfers; non-members get 404. */
@ApiTags('Teams')
@ApiBearerAuth('session')
@Controller('admin')
export class TeamsController {
  constructor(
    private readonly teams: TeamsService,
    private readonly users: UsersService,
  ) {}

  @Post('teams')
  @ApiCreatedResponse({ type: CreatedTeamDto, description: 'You are its owner. At most 20 teams per account (409 past it).' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: TeamNameDto, @CurrentOrigin() origin: RequestOrigin): Promise<CreatedTeam> {
    return this.teams.create(principal.userId, body.name, origin);
  }

  @Get('teams')
  @ApiOkResponse({ type: [TeamViewDto], description: 'The teams you belong to, with your role in each.' })
  list(@CurrentPrincipal() principal: Principal): Promise<TeamView[]> {
    return this.teams.list(principal.userId);
  }

  @Get('teams/:id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TeamViewDto, description: NOT_A_MEMBER })
  get(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string): Promise<TeamView> {
    return this.teams.get(id, principal.userId);
  }

  @Patch('teams/:id')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TeamViewDto, description: 'Renames the team (admins; members 403).' })
  rename(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string, @Body() body: TeamNameDto, @CurrentOrigin() origin: RequestOrigin): Promise<TeamView> {
    return this.teams.rename(id, principal.userId, body.name, origin);
  }

  @Delete('teams/:id')
  @HttpCode(204)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: "Owner only. The team's keys, invitations and team API keys go with it, on every replica at once." })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string, @CurrentOrigin() origin: RequestOrigin): Promise<void> {
    await this.teams.delete(id, principal.userId, origin);
  }

  @Get('teams/:id/members')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: [TeamMemberViewDto] })
  members(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string): Promise<TeamMemberView[]> {
    return this.teams.members(id, principal.userId);
  }

  @Patch('teams/:id/members/:userId')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({
    type: TeamMemberViewDto,
    description: "Admins change members' roles; `owner` transfers ownership (owner only) and the previous owner becomes `admin`. The owner's own role changes only by a transfer (409).",
  })
  changeRole(
    @CurrentPrincipal() principal: Principal,
    @Param('id', teamIdPipe) id: string,
    @Param('userId', memberIdPipe) userId: string,
    @Body() body: UpdateTeamMemberDto,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<TeamMemberView> {
    return this.teams.changeRole(id, principal.userId, userId, body.role, origin);
  }

  @Delete('teams/:id/members/:userId')
  @HttpCode(204)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiNoContentResponse({
    description: 'Admins remove members (the owner also admins); your own id leaves the team (the owner: 409, transfer first). The member\'s team API keys stop working at once on every replica.',
  })
  async removeMember(
    @CurrentPrincipal() principal: Principal,
    @Param('id', teamIdPipe) id: string,
    @Param('userId', memberIdPipe) userId: string,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<void> {
    await this.teams.removeMember(id, principal.userId, userId, origin);
  }

  @Post('teams/:id/invitations')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiCreatedResponse({ type: CreatedTeamInvitationDto, description: 'Admins. Single use, 7 days, only for the named email; `token` and `url` are shown only here.' })
  invite(
    @CurrentPrincipal() principal: Principal,
    @Param('id', teamIdPipe) id: string,
    @Body() body: CreateTeamInvitationDto,
    @Req() request: FastifyRequest,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<CreatedTeamInvitation> {
    // The request's own origin (X-Forwarded-Proto/Host only when TRUST_PROXY trusts the proxy); PUBLIC_URL overrides it.
    return this.teams.invite(id, principal.userId, body.email, body.role, `${request.protocol}://${request.host}`, origin);
  }

  @Get('teams/:id/invitations')
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: [TeamInvitationViewDto], description: 'Admins: open invitations, never their tokens.' })
  invitations(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string): Promise<TeamInvitationView[]> {
    return this.teams.openInvitations(id, principal.userId);
  }

  @Delete('teams/:id/invitations/:invitationId')
  @HttpCode(204)
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'invitationId', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Admins: the token stops working at once.' })
  async revokeInvitation(
    @CurrentPrincipal() principal: Principal,
    @Param('id', teamIdPipe) id: string,
    @Param('invitationId', invitationIdPipe) invitationId: string,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<void> {
    await this.teams.revokeInvitation(id, principal.userId, invitationId, origin);
  }

  @Post('invitations/:token/accept')
  @HttpCode(200)
  @ApiParam({ name: 'token', description: 'The `tinv_…` token from the invitation link.' })
  @ApiOkResponse({
    type: AcceptedTeamInvitationDto,
    description: 'The signed-in account whose email the invitation names joins the team. Wrong, used, expired or someone else\'s → 404 (the team is never named); already a member → 409.',
  })
  async accept(@CurrentPrincipal() principal: Principal, @Param('token') token: string, @CurrentOrigin() origin: RequestOrigin): Promise<AcceptedTeamInvitation> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new GatewayError('unauthenticated', 'Missing, invalid or expired session token.');
    return this.teams.accept(user.id, user.email, token, origin);
  }
}
