import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ModelList } from '@uniroute/shared';
import type { FastifyRequest } from 'fastify';
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
  list(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest): Promise<ModelList> {
    return this.models.list(principal.userId, request.id, request.headers);
  }
}
