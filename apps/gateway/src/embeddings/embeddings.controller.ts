import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags, type ApiResponseSchemaHost } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuth } from '../auth/public.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { EmbeddingsService } from './embeddings.service.js';

/** OpenAI's `CreateEmbeddingResponse`. @see https://platform.openai.com/docs/api-reference/embeddings/object */
const EMBEDDING_LIST_SCHEMA: ApiResponseSchemaHost['schema'] = {
  type: 'object',
  required: ['object', 'data', 'model', 'usage'],
  properties: {
    object: { type: 'string', enum: ['list'] },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['object', 'index', 'embedding'],
        properties: {
          object: { type: 'string', enum: ['embedding'] },
          index: { type: 'integer' },
          embedding: { oneOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string', format: 'byte' }] },
        },
      },
    },
    model: { type: 'string' },
    usage: { type: 'object', properties: { prompt_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } } },
  },
};

/** The OpenAI-compatible embeddings endpoint (§11). */
@ApiTags('Gateway (OpenAI-compatible)')
@ApiBearerAuth('api-key')
@ApiKeyAuth()
@Controller('v1')
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingsService) {}

  @Post('embeddings')
  @ApiOperation({ summary: 'Create embeddings (OpenAI relayed, Gemini translated)' })
  @ApiBody({
    description:
      'OpenAI embeddings request. `text-embedding-*` → OpenAI (relayed), `gemini-embedding-*` or `google/text-embedding-004` → Google Gemini ' +
      '(`batchEmbedContents`; `dimensions` → `outputDimensionality`, optional `task_type` → `taskType`, usage estimated); Anthropic has no embeddings API (400).',
    schema: { type: 'object', required: ['model', 'input'], example: { model: 'text-embedding-3-small', input: ['first text', 'second text'] } },
  })
  @ApiOkResponse({
    description:
      'An OpenAI `list` of `embedding` objects with `usage`; with `encoding_format: "base64"` each embedding is little-endian float32 bytes in base64. ' +
      'Headers `x-uniroute-provider` and `x-uniroute-key-source` say where it went and with whose key.',
    content: { 'application/json': { schema: EMBEDDING_LIST_SCHEMA } },
  })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: false }) reply: FastifyReply): Promise<void> {
    await this.embeddings.create(principal, body, reply);
  }
}
