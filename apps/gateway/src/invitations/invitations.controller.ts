import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { InvitationCreated, InvitationView } from '@uniroute/shared';
import type { FastifyRequest } from 'fastify';
import { AdminOnly } from '../auth/admin-only.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { CreateInvitationDto } from './dto/create-invitation.dto.js';
import { InvitationCreatedDto, InvitationViewDto } from './dto/invitation.views.js';
import { InvitationsService } from './invitations.service.js';

const uuidPipe = new ParseUUIDPipe({ exceptionFactory: () => new GatewayError('not_found', 'No such open invitation.', { param: 'id' }) });

/** Admin invitations (§12): under `REGISTRATION=invite`, the only way for a new account in. */
@ApiTags('Admin: invitations')
@ApiBearerAuth('session')
@AdminOnly()
@Controller('admin/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @ApiCreatedResponse({ type: InvitationCreatedDto, description: 'Single use; `token` and `url` are shown only in this response.' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateInvitationDto, @Req() request: FastifyRequest): Promise<InvitationCreated> {
    // The request's own origin (X-Forwarded-Proto/Host only when TRUST_PROXY trusts the proxy); PUBLIC_URL overrides it.
    return this.invitations.create(principal.userId, body, `${request.protocol}://${request.host}`);
  }

  @Get()
  @ApiOkResponse({ type: [InvitationViewDto], description: 'Open (unused, unexpired) invitations, without their tokens.' })
  list(): Promise<InvitationView[]> {
    return this.invitations.listOpen();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; the token stops working at once.' })
  async revoke(@Param('id', uuidPipe) id: string): Promise<void> {
    await this.invitations.revoke(id);
  }
}
