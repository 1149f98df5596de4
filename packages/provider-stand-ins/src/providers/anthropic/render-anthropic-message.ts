import type { Answer, AnswerUsage } from '../../conversation/answer.js';
import { splitIntoChunks } from '../../conversation/split-into-chunks.js';
import { namedEvent } from '../../http/sse-event.js';
import type { AnthropicReasoning } from './anthropic-thinking.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

/** Identity shared by a message or by every event of its stream. */
export interface AnthropicMessageIdentity {
  readonly id: string;
  readonly model: string;
  readonly toolUseId: string;
}

/**
 * The Message object; with thinking on, the thinking (or redacted thinking) block comes first.
 * @see https://docs.anthropic.com/en/api/messages#response-content
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 */
export function renderAnthropicMessage(
  answer: Answer,
  identity: AnthropicMessageIdentity,
  reasoning: AnthropicReasoning | null = null,
): Record<string, unknown> {
  return {
    id: identity.id,
    type: 'message',
    role: 'assistant',
    model: identity.model,
    content: [...(reasoning ? [{ ...reasoning }] : []), renderContentBlock(answer, identity, 'complete')],
    stop_reason: mapAnthropicStopReason(answer),
    stop_sequence: answer.kind === 'text' ? answer.stopSequence : null,
    usage: renderUsage(answer.usage, answer.usage.outputTokens),
  };
}

function renderContentBlock(answer: Answer, identity: AnthropicMessageIdentity, state: 'complete' | 'start'): Record<string, unknown> {
  if (answer.kind === 'tool-call') {
    return { type: 'tool_use', id: identity.toolUseId, name: answer.toolName, input: state === 'start' ? {} : answer.toolArguments };
  }
  return { type: 'text', text: state === 'start' ? '' : answer.text };
}

function renderUsage(usage: AnswerUsage, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/**
 * The named SSE events of a streamed message: message_start (empty content,
 * input usage, output_tokens 1), content_block_start, ping, the text_delta or
 * input_json_delta fragments, content_block_stop, message_delta (stop reason
 * and the final output_tokens) and message_stop. With thinking on, a thinking
 * block streams first (thinking_delta fragments, then one signature_delta just
 * before its content_block_stop); a redacted block arrives whole in its start.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#streaming-thinking
 */
export function renderAnthropicStreamEvents(
  answer: Answer,
  identity: AnthropicMessageIdentity,
  options: { readonly streamChunks: number },
  reasoning: AnthropicReasoning | null = null,
): string[] {
  const events = [
    namedEvent('message_start', {
      type: 'message_start',
      message: {
        id: identity.id,
        type: 'message',
        role: 'assistant',
        model: identity.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: renderUsage(answer.usage, 1),
      },
    }),
  ];
  if (reasoning?.type === 'thinking') {
    events.push(namedEvent('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    for (const fragment of splitIntoChunks(reasoning.thinking, options.streamChunks)) {
      events.push(namedEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: fragment } }));
    }
    events.push(
      namedEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: reasoning.signature } }),
      namedEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
    );
  } else if (reasoning?.type === 'redacted_thinking') {
    events.push(
      namedEvent('content_block_start', { type: 'content_block_start', index: 0, content_block: { ...reasoning } }),
      namedEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
    );
  }
  const index = reasoning ? 1 : 0;
  events.push(
    namedEvent('content_block_start', { type: 'content_block_start', index, content_block: renderContentBlock(answer, identity, 'start') }),
    namedEvent('ping', { type: 'ping' }),
  );
  const fragments = answer.kind === 'tool-call' ? splitIntoChunks(answer.argumentsJson, options.streamChunks) : splitIntoChunks(answer.text, options.streamChunks);
  for (const fragment of fragments) {
    const delta = answer.kind === 'tool-call' ? { type: 'input_json_delta', partial_json: fragment } : { type: 'text_delta', text: fragment };
    events.push(namedEvent('content_block_delta', { type: 'content_block_delta', index, delta }));
  }
  events.push(
    namedEvent('content_block_stop', { type: 'content_block_stop', index }),
    namedEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: mapAnthropicStopReason(answer), stop_sequence: answer.kind === 'text' ? answer.stopSequence : null },
      usage: { output_tokens: answer.usage.outputTokens },
    }),
    namedEvent('message_stop', { type: 'message_stop' }),
  );
  return events;
}
