import type { ChatCompletionMessageParam } from '@uniroute/shared';
import type { ChatRequest } from '../provider-adapter.js';

/**
 * OpenAI refuses tool-call ids longer than 40 characters (`400 string too long`).
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export const OPENAI_MAX_TOOL_CALL_ID_LENGTH = 40;

/** Assistant-message fields that only mean something to Anthropic or Gemini. */
const FOREIGN_MESSAGE_FIELDS = ['reasoning_content', 'thinking_blocks'] as const;

/**
 * A conversation started on Claude or Gemini, continued on an OpenAI model: what only Anthropic or Gemini can read
 * (signed thinking blocks, reasoning text, Gemini thought signatures, native thinking settings) is left out, and tool-call
 * ids too long for OpenAI (ids minted by older gateways or by other providers) are shortened the same way wherever they
 * appear, so each call still matches its result. A request with none of these goes out as it came, unchanged.
 */
export function toOpenAIRequest(request: ChatRequest): ChatRequest {
  if (request.thinking === undefined && request.thinkingConfig === undefined && !request.messages.some(needsRewrite)) return request;
  const { thinking: _thinking, thinkingConfig: _thinkingConfig, ...rest } = request;
  return { ...rest, messages: request.messages.map(rewriteMessage) };
}

function needsRewrite(message: ChatCompletionMessageParam): boolean {
  if (message.role === 'tool') return message.tool_call_id.length > OPENAI_MAX_TOOL_CALL_ID_LENGTH;
  if (message.role !== 'assistant') return false;
  if (FOREIGN_MESSAGE_FIELDS.some((field) => field in message)) return true;
  return (message.tool_calls ?? []).some((toolCall) => 'extra_content' in toolCall || toolCall.id.length > OPENAI_MAX_TOOL_CALL_ID_LENGTH);
}

function rewriteMessage(message: ChatCompletionMessageParam): ChatCompletionMessageParam {
  if (message.role === 'tool') return { ...message, tool_call_id: shortToolCallId(message.tool_call_id) };
  if (message.role !== 'assistant') return message;
  const copy: Record<string, unknown> = { ...message };
  for (const field of FOREIGN_MESSAGE_FIELDS) delete copy[field];
  if (message.tool_calls) {
    copy['tool_calls'] = message.tool_calls.map((toolCall) => {
      const { extra_content: _extra, ...call } = toolCall as typeof toolCall & { extra_content?: unknown };
      return { ...call, id: shortToolCallId(call.id) };
    });
  }
  return copy as unknown as ChatCompletionMessageParam;
}

/**
 * An id that fits OpenAI's limit: short ids stay as they are; a longer one becomes `call_` and a 64-bit hash of it
 * (two FNV-1a variants), the same on every turn, so the assistant's call and the tool message answering it still match.
 * Not a security boundary: collisions only matter inside one conversation.
 * @see http://www.isthe.com/chongo/tech/comp/fnv/index.html
 */
export function shortToolCallId(id: string): string {
  if (id.length <= OPENAI_MAX_TOOL_CALL_ID_LENGTH) return id;
  let first = 0x811c9dc5;
  let second = 0x01000193 ^ id.length;
  for (let index = 0; index < id.length; index += 1) {
    const code = id.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x85ebca6b) ^ (second >>> 13);
  }
  const hex = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');
  return `call_${hex(first)}${hex(second)}`;
}
