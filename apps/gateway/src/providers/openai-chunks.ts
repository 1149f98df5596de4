import type { ChatCompletionChunk, CompletionUsage } from '@uniroute/shared';

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

/** One streamed choice; `finish_reason` stays `null` until the last chunk of that choice. */
export function deltaChoice(
  index: number,
  delta: ChunkChoice['delta'],
  finishReason: ChunkChoice['finish_reason'] = null,
): ChunkChoice {
  return { index, delta, logprobs: null, finish_reason: finishReason };
}
