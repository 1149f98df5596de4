import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyAuth } from '../auth/public.decorator.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { RouterService } from './router.service.js';

/** The OpenAI-compatible gateway endpoint (§5), for every provider. */
@ApiTags('Gateway (OpenAI-compatible)')
@ApiBearerAuth('api-key')
@ApiKeyAuth()
@Controller('v1')
export class ChatCompletionsController {
  constructor(private readonly router: RouterService) {}

  @Post('chat/completions')
  @ApiBody({
    description: 'OpenAI Chat Completions request. `model` picks the provider: gpt-*/o1*/o3*/o4*/chatgpt-* → OpenAI, claude-* → Anthropic, gemini-* → Google, or an explicit `openai/`, `anthropic/`, `google/` prefix. `reasoning_effort` turns on Claude and Gemini thinking; their answers then carry `reasoning_content`, Claude\'s signed `thinking_blocks` and Gemini\'s `tool_calls[].extra_content.google.thought_signature`, accepted back on the next turn (README › Reasoning models).',
    schema: { type: 'object', required: ['model', 'messages'], example: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] } },
  })
  @ApiOkResponse({ description: 'A `chat.completion`, or with `stream: true` an SSE stream of `chat.completion.chunk` ending in `data: [DONE]`. Headers `x-uniroute-provider` and `x-uniroute-key-source` say where it went and with whose key.' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Res({ passthrough: false }) reply: FastifyReply): Promise<void> {
    await this.router.chatCompletion(principal, body, reply);
  }
}
