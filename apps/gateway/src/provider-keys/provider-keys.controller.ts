import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { PROVIDER_IDS, isProviderId, type ProviderId, type ProviderKeyTestResult, type ProviderKeyView, type ProviderPolicyView, type ProviderStatus } from '@uniroute/shared';
import { CurrentOrigin, type RequestOrigin } from '../audit/request-origin.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { CreateProviderKeyDto, UpdateProviderKeyDto } from './dto/provider-key.dto.js';
import { ProviderKeyTestResultDto, ProviderKeyViewDto, ProviderPolicyViewDto, ProviderStatusDto } from './dto/provider-key.views.js';
import { ProviderKeysService, personalScope } from './provider-keys.service.js';

/** `:provider` must be one UniRoute knows. */
export class ProviderParamPipe implements PipeTransform<string, ProviderId> {
  transform(value: string): ProviderId {
    if (isProviderId(value)) return value;
    throw new GatewayError('unknown_provider', `Unknown provider "${value.slice(0, 40)}": use one of ${PROVIDER_IDS.join(', ')}.`, { param: 'provider' });
  }
}

const providerParam = { name: 'provider', enum: PROVIDER_IDS };

/** BYOK management (§4): the session's user only ever reaches their own keys. */
@ApiTags('Provider keys (BYOK)')
@ApiBearerAuth('session')
@ApiExtraModels(ProviderKeyViewDto, ProviderPolicyViewDto)
@Controller('admin')
export class ProviderKeysController {
  constructor(private readonly providerKeys: ProviderKeysService) {}

  @Post('provider-keys')
  @ApiCreatedResponse({ type: ProviderKeyViewDto, description: 'Carries `warnings: ["key_in_use_elsewhere"]` when another account stores the same key. The same key stored for another of your providers → 409.' })
  add(@CurrentPrincipal() principal: Principal, @Body() body: CreateProviderKeyDto, @CurrentOrigin() origin: RequestOrigin): Promise<ProviderKeyView> {
    return this.providerKeys.addProviderKey(personalScope(principal.userId), body, origin);
  }

  @Get('provider-keys')
  @ApiOkResponse({ type: [ProviderKeyViewDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ProviderKeyView[]> {
    return this.providerKeys.listProviderKeys(personalScope(principal.userId).owner);
  }

  @Get('provider-keys/:provider')
  @ApiParam(providerParam)
  @ApiOkResponse({ type: ProviderKeyViewDto })
  get(@CurrentPrincipal() principal: Principal, @Param('provider', ProviderParamPipe) provider: ProviderId): Promise<ProviderKeyView> {
    return this.providerKeys.getProviderKey(personalScope(principal.userId).owner, provider);
  }

  @Put('provider-keys/:provider')
  @ApiParam(providerParam)
  @ApiOkResponse({
    description: 'The key view; with only `fallbackPolicy` and no key stored, the policy row (`key: null`).',
    schema: { oneOf: [{ $ref: getSchemaPath(ProviderKeyViewDto) }, { $ref: getSchemaPath(ProviderPolicyViewDto) }] },
  })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('provider', ProviderParamPipe) provider: ProviderId,
    @Body() body: UpdateProviderKeyDto,
    @CurrentOrigin() origin: RequestOrigin,
  ): Promise<ProviderKeyView | ProviderPolicyView> {
    return this.providerKeys.updateProviderKey(personalScope(principal.userId), provider, body, origin);
  }

  @Delete('provider-keys/:provider')
  @HttpCode(204)
  @ApiParam(providerParam)
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() principal: Principal, @Param('provider', ProviderParamPipe) provider: ProviderId, @CurrentOrigin() origin: RequestOrigin): Promise<void> {
    await this.providerKeys.deleteProviderKey(personalScope(principal.userId), provider, origin);
  }

  @Post('provider-keys/:provider/test')
  @HttpCode(200)
  @ApiParam(providerParam)
  @ApiOkResponse({ type: ProviderKeyTestResultDto, description: 'A failed test is `ok: false` with the provider\'s reason, not an HTTP error.' })
  test(@CurrentPrincipal() principal: Principal, @Param('provider', ProviderParamPipe) provider: ProviderId, @CurrentOrigin() origin: RequestOrigin): Promise<ProviderKeyTestResult> {
    return this.providerKeys.testProviderKey(personalScope(principal.userId), provider, origin);
  }

  @Get('providers')
  @ApiOkResponse({ type: [ProviderStatusDto], description: 'Per provider: server key configured, fallback allowed, and whether this user falls back now.' })
  providers(@CurrentPrincipal() principal: Principal): Promise<ProviderStatus[]> {
    return this.providerKeys.providerStatuses(principal.userId);
  }
}
