import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ApiKeyAuth } from '../auth/public.decorator.js';
import { ANTHROPIC_NATIVE_API } from './anthropic-native-api.js';
import { NativeOkResponse } from './native-openapi.js';
import { NativeRelayService } from './native-relay.service.js';
import { KeepRawBody } from './raw-body.js';

const ANTHROPIC_BODY = { description: 'The Anthropic request body, sent on unchanged.', schema: { type: 'object' } } as const;

/**
 * Anthropic's own API for `new Anthropic({ apiKey: 'ur_…', baseURL: '<gateway>/anthropic' })`: relayed
 * as it is, with the caller's provider key (or the server's) in place of the UniRoute key.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/api/messages-count-tokens
 * @see https://docs.anthropic.com/en/api/models-list
 */
@ApiTags('Native provider APIs')
@ApiBearerAuth('api-key')
@ApiKeyAuth()
@Controller('anthropic/v1')
export class AnthropicNativeController {
  constructor(private readonly relay: NativeRelayService) {}

  @Post('messages')
  @KeepRawBody()
  @ApiOperation({ summary: 'Anthropic Messages API, native (JSON or `stream: true` SSE)' })
  @ApiBody(ANTHROPIC_BODY)
  @NativeOkResponse("Anthropic's `message`, or with `stream: true` its event stream.", { stream: true })
  messages(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.relay.relay(principal, { api: ANTHROPIC_NATIVE_API, method: 'POST', path: '/v1/messages', metered: {} }, request, reply);
  }

  @Post('messages/count_tokens')
  @KeepRawBody()
  @ApiOperation({ summary: 'Anthropic token counting, native' })
  @ApiBody(ANTHROPIC_BODY)
  @NativeOkResponse("Anthropic's `{ input_tokens }`.")
  countTokens(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.relay.relay(principal, { api: ANTHROPIC_NATIVE_API, method: 'POST', path: '/v1/messages/count_tokens' }, request, reply);
  }

  @Get('models')
  @ApiOperation({ summary: 'Anthropic model list, native (`limit`, `before_id`, `after_id` pass through)' })
  @NativeOkResponse("Anthropic's model page `{ data, has_more, first_id, last_id }`.")
  models(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.relay.relay(principal, { api: ANTHROPIC_NATIVE_API, method: 'GET', path: '/v1/models' }, request, reply);
  }
}
