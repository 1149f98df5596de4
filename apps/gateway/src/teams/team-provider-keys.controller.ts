import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { PROVIDER_IDS, type ProviderId, type ProviderKeyTestResult, type ProviderKeyView, type ProviderPolicyView } from '@uniroute/shared';
import { CurrentOrigin, type RequestOrigin } from '../audit/request-origin.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { CreateProviderKeyDto, UpdateProviderKeyDto } from '../provider-keys/dto/provider-key.dto.js';
import { ProviderKeyTestResultDto, ProviderKeyViewDto, ProviderPolicyViewDto } from '../provider-keys/dto/provider-key.views.js';
import { ProviderParamPipe } from '../provider-keys/provider-keys.controller.js';
import { ProviderKeysService, type KeyScope } from '../provider-keys/provider-keys.service.js';
import { teamIdPipe } from './teams.controller.js';
import { TeamsService, type TeamPermission } from './teams.service.js';

const providerParam = { name: 'provider', enum: PROVIDER_IDS };
const teamParam = { name: 'id', format: 'uuid' };

/**
 * A team's provider keys (§9): the routes, bodies, validation and views of §4/§8, on the one
 * `ProviderKeysService` with the team as the owner. Members read the masked view; admins write and
 * test; non-members get 404 before anything else is looked at.
 */
@ApiTags('Teams')
@ApiBearerAuth('session')
@ApiExtraModels(ProviderKeyViewDto, ProviderPolicyViewDto)
@Controller('admin/teams/:id/provider-keys')
export class TeamProviderKeysController {
  constructor(
    private readonly providerKeys: ProviderKeysService,
    private readonly teams: TeamsService,
  ) {}

  @Post()
  @ApiParam(teamParam)
  @ApiCreatedResponse({ type: ProviderKeyViewDto, description: 'Admins. As POST /admin/provider-keys, for the team.' })
  async add(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string, @Body() body: CreateProviderKeyDto, @CurrentOrigin() origin: RequestOrigin): Promise<ProviderKeyView> {
    return this.providerKeys.addProviderKey(await this.scope(id, principal, 'write'), body, origin);
  }

  @Get()
  @ApiParam(teamParam)
  @ApiOkResponse({ type: [ProviderKeyViewDto], description: 'Every member: the masked view only.' })
  async list(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string): Promise<ProviderKeyView[]> {
    return this.providerKeys.listProviderKeys((await this.scope(id, principal, 'read')).owner);
  }

  @Get(':provider')
  @ApiParam(teamParam)
  @ApiParam(providerParam)
  @ApiOkResponse({ type: ProviderKeyViewDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string, @Param('provider', ProviderParamPipe) provider: ProviderId): Promise<ProviderKeyView> {
    return this.providerKeys.getProviderKey((await this.scope(id, principal, 'read')).owner, provider);
  }

  @Put(':provider')
  @ApiParam(teamParam)
  @ApiParam(providerParam)
  @ApiOkResponse({
    description: "Admins. The key view; with only `fallbackPolicy` and no key stored, the policy row (`key: null`): the team's policy for team API keys.",
    schema: { oneOf: [{ $ref: getSchemaPath(ProviderKeyViewDto) }, { $ref: getSchemaPath(ProviderPolicyViewDto) }] },
  })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', teamIdPipe) id: string,
    @Param('provider', ProviderParamPipe) provider: ProviderId,
    @Body() body: UpdateProviderKeyDto,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<ProviderKeyView | ProviderPolicyView> {
    return this.providerKeys.updateProviderKey(await this.scope(id, principal, 'write'), provider, body, origin);
  }

  @Delete(':provider')
  @HttpCode(204)
  @ApiParam(teamParam)
  @ApiParam(providerParam)
  @ApiNoContentResponse({ description: 'Admins. Team API keys stop using it at once, on every replica.' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string, @Param('provider', ProviderParamPipe) provider: ProviderId, @CurrentOrigin() origin: RequestOrigin): Promise<void> {
    await this.providerKeys.deleteProviderKey(await this.scope(id, principal, 'write'), provider, origin);
  }

  @Post(':provider/test')
  @HttpCode(200)
  @ApiParam(teamParam)
  @ApiParam(providerParam)
  @ApiOkResponse({ type: ProviderKeyTestResultDto, description: "Admins. Counts against the caller's own PROVIDER_KEY_TESTS_PER_HOUR." })
  async test(@CurrentPrincipal() principal: Principal, @Param('id', teamIdPipe) id: string, @Param('provider', ProviderParamPipe) provider: ProviderId, @CurrentOrigin() origin: RequestOrigin): Promise<ProviderKeyTestResult> {
    return this.providerKeys.testProviderKey(await this.scope(id, principal, 'write'), provider, origin);
  }

  /** The membership check comes first, before the provider or the body is looked at: a stranger learns nothing. */
  private async scope(teamId: string, principal: Principal, permission: TeamPermission): Promise<KeyScope> {
    await this.teams.requireRole(teamId, principal.userId, permission);
    return { owner: { kind: 'team', id: teamId }, actorId: principal.userId };
  }
}
