import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';

/**
 * The Messages API request UniRoute sends: the SDK's own parameter types (erased at runtime), plus the sampling
 * parameters the SDK stopped typing when Anthropic deprecated them for its newest models. The API still accepts them
 * for the models that support them, and OpenAI clients send them, so they are forwarded as asked.
 * @see https://docs.anthropic.com/en/api/messages
 */
export interface AnthropicMessagesRequest
  extends Pick<
    MessageCreateParamsBase,
    | 'model'
    | 'max_tokens'
    | 'messages'
    | 'system'
    | 'stop_sequences'
    | 'stream'
    | 'tools'
    | 'tool_choice'
    | 'metadata'
    | 'output_config'
    | 'thinking'
  > {
  temperature?: number;
  top_p?: number;
}

/**
 * Token counts; the three input counts add up to the whole prompt.
 * @see https://docs.anthropic.com/en/api/messages#response-usage
 */
export const anthropicUsageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

/** Anthropic usage as read from a response or a stream event. */
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

/**
 * The content blocks UniRoute translates (`text`, `tool_use`, `thinking`, `redacted_thinking`); any other block
 * (server tools) is read as just its `type` and skipped, so new block kinds do not break the relay. In a stream's
 * `content_block_start` a thinking block arrives with empty `thinking` and `signature` (or none): both come as deltas.
 * @see https://docs.anthropic.com/en/api/messages#response-content
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 */
export const anthropicContentBlockSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() }),
  z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
  z.object({ type: z.string() }),
]);

/** A non-streaming Messages API response. @see https://docs.anthropic.com/en/api/messages#response */
export const anthropicMessageSchema = z.object({
  id: z.string(),
  model: z.string().nullish(),
  content: z.array(anthropicContentBlockSchema),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema.nullish(),
});

/**
 * Error bodies, both as an HTTP response and as an in-stream `error` event.
 * @see https://docs.anthropic.com/en/api/errors#error-shapes
 */
export const anthropicErrorBodySchema = z.object({
  error: z.object({ type: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

/**
 * The stream events UniRoute reads, each checked once its `type` is known.
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming#event-types
 */
export const anthropicStreamEventSchemas = {
  message_start: z.object({
    message: z.object({ id: z.string(), model: z.string().nullish(), usage: anthropicUsageSchema.nullish() }),
  }),
  content_block_start: z.object({ index: z.number(), content_block: anthropicContentBlockSchema }),
  content_block_delta: z.object({
    index: z.number(),
    delta: z.union([
      z.object({ type: z.literal('text_delta'), text: z.string() }),
      z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
      // @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#streaming-thinking
      z.object({ type: z.literal('thinking_delta'), thinking: z.string() }),
      z.object({ type: z.literal('signature_delta'), signature: z.string() }),
      z.object({ type: z.string() }),
    ]),
  }),
  content_block_stop: z.object({ index: z.number() }),
  message_delta: z.object({
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: anthropicUsageSchema.nullish(),
  }),
  error: anthropicErrorBodySchema,
} as const;

/** Every stream event names its kind in `type` (the same word as the SSE `event:` field). */
/** Just the `type` of a stream event, everything else kept (built once: zod compiles a schema on first use). */
export const anthropicStreamEventTypeSchema = z.looseObject({ type: z.string() });

/** `GET /v1/models`: one page of model ids. @see https://docs.anthropic.com/en/api/models-list */
export const anthropicModelListSchema = z.object({ data: z.array(z.object({ id: z.string() })) });
