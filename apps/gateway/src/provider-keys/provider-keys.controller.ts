import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { PROVIDER_IDS, isProviderId, type ProviderId, type ProviderKeyTestResult, type ProviderKeyView, type ProviderStatus } from '@uniroute/shared';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { CreateProviderKeyDto, UpdateProviderKeyDto } from './dto/provider-key.dto.js';
import { ProviderKeyTestResultDto, ProviderKeyViewDto, ProviderStatusDto } from './dto/provider-key.views.js';
import { ProviderKeysService } from './provider-keys.service.js';

/** `:provider` must be one UniRoute knows. */
class ProviderParamPipe implements PipeTransform<string, ProviderId> {
  transform(value: string): ProviderId {
    if (isProviderId(value)) return value;
    throw new GatewayError('unknown_provider', `Unknown provider "${value.slice(0, 40)}": use one of ${PROVIDER_IDS.join(', ')}.`, { param: 'provider' });
  }
}

const providerParam = { name: 'provider', enum: PROVIDER_IDS };

/** BYOK management (§4): the session's user only ever reaches their own keys. */
@ApiTags('Provider keys (BYOK)')
@ApiBearerAuth('session')
@Controller('admin')
export class ProviderKeysController {
  constructor(private readonly providerKeys: ProviderKeysService) {}

  @Post('provider-keys')
  @ApiCreatedResponse({ type: ProviderKeyViewDto })
  add(@CurrentPrincipal() principal: Principal, @Body() body: CreateProviderKeyDto): Promise<ProviderKeyView> {
    return this.providerKeys.addProviderKey(principal.userId, body);
  }

  @Get('provider-keys')
  @ApiOkResponse({ type: [ProviderKeyViewDto] })
  list(@CurrentPrincipal() principal: Principal): Promise<ProviderKeyView[]> {
    return this.providerKeys.listProviderKeys(principal.userId);
  }

  @Get('provider-keys/:provider')
  @ApiParam(providerParam)
  @ApiOkResponse({ type: ProviderKeyViewDto })
  get(@CurrentPrincipal() principal: Principal, @Param('provider', ProviderParamPipe) provider: ProviderId): Promise<ProviderKeyView> {
    return this.providerKeys.getProviderKey(principal.userId, provider);
  }

  @Put('provider-keys/:provider')
  @ApiParam(providerParam)
  @ApiOkResponse({ type: ProviderKeyViewDto })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('provider', ProviderParamPipe) provider: ProviderId,
    @Body() body: UpdateProviderKeyDto,
  ): Promise<ProviderKeyView> {
    return this.providerKeys.updateProviderKey(principal.userId, provider, body);
  }

  @Delete('provider-keys/:provider')
  @HttpCode(204)
  @ApiParam(providerParam)
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() principal: Principal, @Param('provider', ProviderParamPipe) provider: ProviderId): Promise<void> {
    await this.providerKeys.deleteProviderKey(principal.userId, provider);
  }

  @Post('provider-keys/:provider/test')
  @HttpCode(200)
  @ApiParam(providerParam)
  @ApiOkResponse({ type: ProviderKeyTestResultDto, description: 'A failed test is `ok: false` with the provider\'s reason, not an HTTP error.' })
  test(@CurrentPrincipal() principal: Principal, @Param('provider', ProviderParamPipe) provider: ProviderId): Promise<ProviderKeyTestResult> {
    return this.providerKeys.testProviderKey(principal.userId, provider);
  }

  @Get('providers')
  @ApiOkResponse({ type: [ProviderStatusDto], description: 'Per provider: server key configured, fallback allowed, and whether this user falls back now.' })
  providers(@CurrentPrincipal() principal: Principal): Promise<ProviderStatus[]> {
    return this.providerKeys.providerStatuses(principal.userId);
  }
}
