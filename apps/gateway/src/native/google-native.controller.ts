import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ApiKeyAuth } from '../auth/public.decorator.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { GOOGLE_NATIVE_API } from './google-native-api.js';
import { NativeOkResponse } from './native-openapi.js';
import { NativeRelayService } from './native-relay.service.js';
import { KeepRawBody } from './raw-body.js';

/**
 * `{model}:{method}`, the last path segment `@google/genai` sends (`gemini-2.0-flash:generateContent`; a
 * `models/` prefix in the SDK call is already a path segment). Only these methods are relayed.
 */
const MODEL_METHOD = /^([A-Za-z0-9][A-Za-z0-9._-]*):(generateContent|streamGenerateContent|countTokens)$/;

/**
 * The Gemini API for `new GoogleGenAI({ apiKey: 'ur_…', httpOptions: { baseUrl: '<gateway>/google' } })`:
 * relayed as it is, with the caller's provider key (or the server's) in `x-goog-api-key`.
 * @see https://ai.google.dev/api/generate-content
 * @see https://ai.google.dev/api/tokens
 * @see https://ai.google.dev/api/models#method:-models.list
 */
@ApiTags('Native provider APIs')
@ApiBearerAuth('api-key')
@ApiKeyAuth()
@Controller('google/v1beta')
export class GoogleNativeController {
  constructor(private readonly relay: NativeRelayService) {}

  @Post('models/:modelMethod')
  @KeepRawBody()
  @ApiOperation({ summary: 'Gemini generateContent, streamGenerateContent (`?alt=sse` passes through) and countTokens, native' })
  @ApiParam({ name: 'modelMethod', example: 'gemini-2.0-flash:generateContent' })
  @ApiBody({ description: 'The Gemini request body, sent on unchanged.', schema: { type: 'object' } })
  @NativeOkResponse("Gemini's `GenerateContentResponse` or `CountTokensResponse`, or for `streamGenerateContent` its event stream.", { stream: true })
  generate(
    @CurrentPrincipal() principal: Principal,
    @Param('modelMethod') modelMethod: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const match = MODEL_METHOD.exec(modelMethod);
    if (!match) throw new GatewayError('not_found', `Unknown route: POST ${request.url.split('?')[0]}`);
    const [, model, method] = match;
    return this.relay.relay(
      principal,
      {
        api: GOOGLE_NATIVE_API,
        method: 'POST',
        path: `/v1beta/models/${model}:${method}`,
        stream: method === 'streamGenerateContent',
        // countTokens is free: logged without tokens.
        ...(method === 'countTokens' ? {} : { metered: { model: model! } }),
      },
      request,
      reply,
    );
  }

  @Get('models')
  @ApiOperation({ summary: 'Gemini model list, native (`pageSize`, `pageToken` pass through)' })
  @NativeOkResponse("Gemini's `{ models, nextPageToken }`.")
  models(@CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.relay.relay(principal, { api: GOOGLE_NATIVE_API, method: 'GET', path: '/v1beta/models' }, request, reply);
  }
}
