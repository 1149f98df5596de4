import type { ChatCompletionChunk, CompletionUsage, ReasoningMessageFields, ToolCallExtraFields } from '@uniroute/shared';
import type { AdapterRuntime } from './adapter-runtime.js';
import type { ChatRequest } from './provider-adapter.js';

/** One choice of a `chat.completion.chunk`. */
export type ChunkChoice = ChatCompletionChunk.Choice;

/** The `finish_reason` values a translated provider can produce (`function_call` belongs to OpenAI's old API). */
export type FinishReason = Exclude<ChunkChoice['finish_reason'], null | 'function_call'>;

/** The fields every chunk of one stream repeats, as OpenAI's own streams do. */
export interface ChunkEnvelope {
  readonly id: string;
  readonly created: number;
  readonly model: string;
  /** `stream_options.include_usage`: OpenAI then sends `usage: null` on every chunk and one usage chunk at the end. */
  readonly includeUsage: boolean;
}

/** A translated stream's envelope; `id` and `model` are replaced by the provider's own once its first event names them. */
export type StreamEnvelope = Omit<ChunkEnvelope, 'id' | 'model'> & { id: string; model: string };

/** The envelope a translated stream starts with: our own id and clock, the request's model and usage option. */
export function newStreamEnvelope(request: ChatRequest, runtime: AdapterRuntime): StreamEnvelope {
  return {
    id: `chatcmpl-${runtime.randomId()}`,
    created: runtime.now(),
    model: request.model,
    includeUsage: request.stream_options?.include_usage === true,
  };
}

/**
 * Serialises one `chat.completion.chunk` for a `data:` line.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export function serializeChunk(envelope: ChunkEnvelope, choices: ChunkChoice[]): string {
  const chunk: ChatCompletionChunk = {
    id: envelope.id,
    object: 'chat.completion.chunk',
    created: envelope.created,
    model: envelope.model,
    choices,
    ...(envelope.includeUsage ? { usage: null } : {}),
  };
  return JSON.stringify(chunk);
}

/**
 * The extra last chunk of `stream_options.include_usage`: no choices, the whole request's usage.
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export function serializeUsageChunk(envelope: ChunkEnvelope, usage: CompletionUsage): string {
  const chunk: ChatCompletionChunk = {
    id: envelope.id,
    object: 'chat.completion.chunk',
    created: envelope.created,
    model: envelope.model,
    choices: [],
    usage,
  };
  return JSON.stringify(chunk);
}

/** A streamed delta with the reasoning fields (`reasoning_content`, `thinking_blocks`, tool-call `extra_content`). */
export type ReasoningDelta = Omit<ChunkChoice['delta'], 'tool_calls'> &
  ReasoningMessageFields & { tool_calls?: Array<NonNullable<ChunkChoice['delta']['tool_calls']>[number] & ToolCallExtraFields> };

/** One streamed choice; `finish_reason` stays `null` until the last chunk of that choice. */
export function deltaChoice(
  index: number,
  delta: ReasoningDelta,
  finishReason: ChunkChoice['finish_reason'] = null,
): ChunkChoice {
  return { index, delta, logprobs: null, finish_reason: finishReason };
}
