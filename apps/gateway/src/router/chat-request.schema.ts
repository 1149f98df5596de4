import type { ChatCompletionCreateParams } from '@uniroute/shared';
import { z } from 'zod';
import { GatewayError } from '../common/errors/gateway-error.js';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

/** Real signatures are a few kilobytes; anything far larger is not one and would only bloat the upstream request. */
const MAX_THOUGHT_SIGNATURE_LENGTH = 65_536;

/** OpenAI's own `reasoning_effort` values; the translated providers map them (see `providers/reasoning-effort.ts`). */
const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;

const contentPart = z.looseObject({ type: z.string({ message: 'must have a type' }) });

/**
 * Anthropic's signed thinking blocks as a client returns them on an assistant message; checked here so a malformed
 * block is a 400 naming it rather than Anthropic's error about a block the client never saw.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
const thinkingBlock = z.discriminatedUnion('type', [
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() }),
  z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
]);

/**
 * A Gemini thought signature where Google's OpenAI-compatible endpoint puts it on a tool call.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
const toolCallExtraContent = z.looseObject({
  google: z.looseObject({ thought_signature: z.string().max(MAX_THOUGHT_SIGNATURE_LENGTH).optional() }).optional(),
});

const message = z
  .looseObject({
    role: z.enum(ROLES, { message: `role must be one of ${ROLES.join(', ')}` }),
    content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
    name: z.string().optional(),
    tool_calls: z
      .array(
        z.looseObject({
          id: z.string(),
          type: z.literal('function'),
          function: z.looseObject({ name: z.string(), arguments: z.string() }),
          extra_content: toolCallExtraContent.optional(),
        }),
      )
      .optional(),
    tool_call_id: z.string().optional(),
    reasoning_content: z.string().nullable().optional(),
    thinking_blocks: z.array(thinkingBlock).optional(),
  })
  .refine((value) => value.role !== 'tool' || typeof value.tool_call_id === 'string', { message: 'tool messages need tool_call_id', path: ['tool_call_id'] })
  // Only an assistant turn may omit content (it may carry just tool_calls).
  .refine((value) => value.content != null || value.role === 'assistant', { message: 'content is required', path: ['content'] });

const tool = z.looseObject({
  type: z.literal('function', { message: 'only function tools are supported' }),
  function: z.looseObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'function names are 1-64 letters, digits, _ or -'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullable().optional();

/**
 * The part of OpenAI's request that UniRoute reads or translates; unknown fields pass through to
 * OpenAI untouched. Checked so that a client mistake is a 400 naming the field, not an upstream surprise.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export const chatRequestSchema = z.looseObject({
  model: z.string({ message: 'model is required' }).min(1, 'model is required'),
  messages: z.array(message, { message: 'messages must be an array' }).min(1, 'messages must not be empty'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  temperature: nullableNumber(0, 2),
  top_p: nullableNumber(0, 1),
  n: z.number().int().min(1).max(128).nullable().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  tools: z.array(tool).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })])
    .optional(),
  user: z.string().optional(),
  reasoning_effort: z.enum(REASONING_EFFORTS, { message: `reasoning_effort must be one of ${REASONING_EFFORTS.join(', ')}` }).nullable().optional(),
  // Native reasoning settings, for callers who want exact control: Anthropic's `thinking`, Gemini's `thinkingConfig`.
  thinking: z.looseObject({ type: z.string() }).optional(),
  thinkingConfig: z.looseObject({}).optional(),
});

/** Validates an incoming body; the first problem becomes a 400 with `param` set to its path. */
export function parseChatRequest(body: unknown): ChatCompletionCreateParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
  }
  const result = chatRequestSchema.safeParse(body);
  if (result.success) return result.data as unknown as ChatCompletionCreateParams;
  const issue = result.error.issues[0]!;
  const param = issue.path.map(String).join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  return throwInvalid(param, issue.message);
}

function throwInvalid(param: string, message: string): never {
  throw new GatewayError('invalid_request', param ? `Invalid ${param}: ${message}` : message, { param: param || undefined });
}
