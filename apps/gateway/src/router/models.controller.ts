import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { TEAM_ID_HEADER, type ModelList } from '@uniroute/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyAuth } from '../auth/public.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ModelsService } from './models.service.js';

@ApiTags('Gateway (OpenAI-compatible)')
@ApiBearerAuth('api-key')
@ApiKeyAuth()
@Controller('v1')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get('models')
  @ApiOkResponse({ description: 'OpenAI `list` of the models this caller can reach now, from every provider they have a key for (theirs or the server\'s).' })
  list(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ModelList> {
    // A team API key lists what the team's keys and policy reach (§9), and says which team.
    if (principal.teamId) void reply.header(TEAM_ID_HEADER, principal.teamId);
    return this.models.list(principal, request.id, request.headers);
  }
}
