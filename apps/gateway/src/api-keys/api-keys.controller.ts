import { CurrentOrigin, type RequestOrigin } from '../audit/request-origin.js';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ApiKeyView, CreatedApiKey } from '@uniroute/shared';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import { ApiKeyViewDto, CreatedApiKeyDto } from './dto/api-key.views.js';

const uuidPipe = new ParseUUIDPipe({ exceptionFactory: () => new GatewayError('not_found', 'No such API key.', { param: 'id' }) });

/** Gateway API keys (§3), managed with a session token. */
@ApiTags('API keys')
@ApiBearerAuth('session')
@Controller('admin/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The new key; `key` is shown only in this response. With `teamId` a team API key (you must be a member; otherwise 404).' })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto, @CurrentOrigin() origin: RequestOrigin): Promise<CreatedApiKey> {
    return this.apiKeys.create(principal.userId, body.name, origin, body.teamId);
  }

  @Get()
  @ApiOkResponse({ type: [ApiKeyViewDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ApiKeyView[]> {
    return this.apiKeys.list(principal.userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; the key stops working at once.' })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id', uuidPipe) id: string, @CurrentOrigin() origin: RequestOrigin): Promise<void> {
    await this.apiKeys.revoke(principal.userId, id, origin);
  }
}
