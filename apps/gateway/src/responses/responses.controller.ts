import { Body, Controller, Delete, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyAuth } from '../auth/public.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ResponsesService } from './responses.service.js';

/**
 * OpenAI documents these shapes; UniRoute relays them unchanged.
 * @see https://platform.openai.com/docs/api-reference/responses/object
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
const RESPONSE_CONTENT = {
  'application/json': { schema: { type: 'object', description: "OpenAI's Response object (`object: \"response\"`)." } },
  'text/event-stream': { schema: { type: 'string', description: '`event: <type>` + `data: {type, sequence_number, …}` events, as OpenAI sent them.' } },
};

const HEADERS_NOTE = 'Headers `x-uniroute-provider: openai` and `x-uniroute-key-source` say where it went and with whose key.';

/** OpenAI's Responses API (§11), relayed to OpenAI. */
@ApiTags('Gateway (OpenAI-compatible)')
@ApiBearerAuth('api-key')
@ApiKeyAuth()
@Controller('v1/responses')
export class ResponsesController {
  constructor(private readonly responses: ResponsesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a model response (relayed to OpenAI; JSON or `stream: true`)' })
  @ApiBody({
    description: "OpenAI Responses API request, sent on to OpenAI (an `openai/` model prefix is stripped). Other providers' models are refused with 400.",
    schema: { type: 'object', example: { model: 'gpt-4o-mini', input: 'Hello' } },
  })
  @ApiOkResponse({
    description: `OpenAI's \`response\` object, or with \`stream: true\` its typed event stream (\`event: response.created\` … \`response.completed\`), byte for byte. ${HEADERS_NOTE}`,
    content: RESPONSE_CONTENT,
  })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: false }) reply: FastifyReply): Promise<void> {
    await this.responses.create(principal, body, reply);
  }

  @Get(':responseId')
  @ApiOperation({ summary: 'Get a stored model response (relayed to OpenAI)' })
  @ApiParam({ name: 'responseId', example: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b' })
  @ApiQuery({ name: 'stream', required: false, type: Boolean, description: 'Replay the response as its event stream.' })
  @ApiQuery({ name: 'starting_after', required: false, type: Number, description: 'With `stream`: the sequence number to resume after.' })
  @ApiOkResponse({ description: `OpenAI's \`response\` object (or its event stream). ${HEADERS_NOTE}`, content: RESPONSE_CONTENT })
  async retrieve(
    @CurrentPrincipal() principal: Principal,
    @Param('responseId') responseId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: false }) reply: FastifyReply,
  ): Promise<void> {
    await this.responses.retrieve(principal, responseId, request, reply);
  }

  @Delete(':responseId')
  @ApiOperation({ summary: 'Delete a stored model response (relayed to OpenAI)' })
  @ApiParam({ name: 'responseId', example: 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b' })
  @ApiOkResponse({
    description: `OpenAI's deletion confirmation. ${HEADERS_NOTE}`,
    content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' }, object: { type: 'string', enum: ['response'] }, deleted: { type: 'boolean' } } } } },
  })
  async delete(@CurrentPrincipal() principal: Principal, @Param('responseId') responseId: string, @Res({ passthrough: false }) reply: FastifyReply): Promise<void> {
    await this.responses.delete(principal, responseId, reply);
  }
}
