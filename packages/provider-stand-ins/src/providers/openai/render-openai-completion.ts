import type { Answer, AnswerUsage } from '../../conversation/answer.js';
import { splitIntoChunks } from '../../conversation/split-into-chunks.js';
import { dataEvent } from '../../http/sse-event.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';

/** Identity shared by a completion or by every chunk of one stream. */
export interface OpenAICompletionIdentity {
  readonly id: string;
  readonly created: number;
  /** The dated snapshot, as the real API reports it. */
  readonly model: string;
  readonly toolCallId: string;
}

const SYSTEM_FINGERPRINT = 'fp_stand_in01';

/**
 * The `chat.completion` object.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
export function renderOpenAICompletion(answer: Answer, identity: OpenAICompletionIdentity): Record<string, unknown> {
  const message =
    answer.kind === 'tool-call'
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: identity.toolCallId, type: 'function', function: { name: answer.toolName, arguments: answer.argumentsJson } },
          ],
          refusal: null,
          annotations: [],
        }
      : { role: 'assistant', content: answer.text, refusal: null, annotations: [] };
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: mapOpenAIFinishReason(answer) }],
    usage: renderOpenAIUsage(answer.usage),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

function renderOpenAIUsage(usage: AnswerUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/**
 * The SSE events of a streamed completion: a first chunk carrying the role, the
 * content (or tool-call argument) fragments, a chunk with `finish_reason`, a
 * usage chunk with empty `choices` only when `stream_options.include_usage` is
 * set (every other chunk then carries `usage: null`), and `data: [DONE]`.
 * @see https://platform.openai.com/docs/api-reference/chat/streaming
 */
export function renderOpenAIStreamEvents(
  answer: Answer,
  identity: OpenAICompletionIdentity,
  options: { readonly streamChunks: number; readonly includeUsage: boolean },
): string[] {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    dataEvent({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...(options.includeUsage ? { usage: null } : {}),
      ...extra,
    });
  const choice = (delta: Record<string, unknown>, finishReason: string | null = null): Record<string, unknown> => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });

  const events: string[] = [];
  if (answer.kind === 'tool-call') {
    events.push(
      chunk([
        choice({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: identity.toolCallId, type: 'function', function: { name: answer.toolName, arguments: '' } }],
          refusal: null,
        }),
      ]),
    );
    for (const fragment of splitIntoChunks(answer.argumentsJson, options.streamChunks)) {
      events.push(chunk([choice({ tool_calls: [{ index: 0, function: { arguments: fragment } }] })]));
    }
  } else {
    events.push(chunk([choice({ role: 'assistant', content: '', refusal: null })]));
    for (const fragment of splitIntoChunks(answer.text, options.streamChunks)) {
      events.push(chunk([choice({ content: fragment })]));
    }
  }
  events.push(chunk([choice({}, mapOpenAIFinishReason(answer))]));
  if (options.includeUsage) events.push(chunk([], { usage: renderOpenAIUsage(answer.usage) }));
  events.push('data: [DONE]\n\n');
  return events;
}
