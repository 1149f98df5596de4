import type { Conversation, LastTurn, ToolChoice, ToolDefinition, ToolResult } from '../../conversation/conversation.js';
import { isRecord, readArray, readNumber, readRecord, readString, readStringList, recordsOf, type JsonRecord } from '../../json/json-readers.js';
import type { JsonReply } from '../provider-api.js';
import { openAIErrorReply, openAIModelNotFound } from './openai-errors.js';
import { findOpenAIModel, type OpenAIModel } from './openai-models.js';

/** A chat completion request that passed the checks the real API makes first. */
export interface OpenAIChatRequest {
  readonly model: OpenAIModel;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly conversation: Conversation;
}

/**
 * Validates a `POST /v1/chat/completions` body with OpenAI's own error messages
 * and reads it into a provider-neutral conversation.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function readOpenAIChatRequest(body: unknown): { ok: true; request: OpenAIChatRequest } | { ok: false; reply: JsonReply } {
  if (!isRecord(body)) {
    return invalid({ message: "Invalid type for 'body': expected an object.", type: 'invalid_request_error' });
  }
  const modelId = readString(body, 'model');
  if (modelId === null) {
    return invalid({ message: 'you must provide a model parameter', type: 'invalid_request_error' });
  }
  const messages = readArray(body, 'messages');
  if (messages === null) {
    return invalid({
      message: "Missing required parameter: 'messages'.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'missing_required_parameter',
    });
  }
  if (messages.length === 0) {
    return invalid({
      message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'empty_array',
    });
  }
  const tooLong = findTooLongToolCallId(recordsOf(messages));
  if (tooLong !== null) {
    return invalid({
      message: `Invalid '${tooLong.param}': string too long. Expected a string with maximum length ${MAX_TOOL_CALL_ID_LENGTH}, but got a string with length ${tooLong.length} instead.`,
      type: 'invalid_request_error',
      param: tooLong.param,
      code: 'string_above_max_length',
    });
  }
  const model = findOpenAIModel(modelId);
  if (model === null) return { ok: false, reply: openAIModelNotFound(modelId) };
  if (!model.chat) {
    return {
      ok: false,
      reply: openAIErrorReply(404, {
        message: 'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?',
        type: 'invalid_request_error',
        param: 'model',
      }),
    };
  }
  if (model.reasoning && body['max_tokens'] !== undefined && body['max_tokens'] !== null) {
    return invalid({
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      type: 'invalid_request_error',
      param: 'max_tokens',
      code: 'unsupported_parameter',
    });
  }
  const streamOptions = readRecord(body, 'stream_options');
  return {
    ok: true,
    request: {
      model,
      stream: body['stream'] === true,
      includeUsage: streamOptions !== null && streamOptions['include_usage'] === true,
      conversation: readConversation(body, recordsOf(messages)),
    },
  };
}

/** OpenAI's limit on tool-call ids, in assistant `tool_calls` and in `tool` messages. */
const MAX_TOOL_CALL_ID_LENGTH = 40;

/** The first tool-call id over the limit, named the way OpenAI names it in its 400. */
function findTooLongToolCallId(messages: JsonRecord[]): { param: string; length: number } | null {
  for (const [index, message] of messages.entries()) {
    const toolCallId = readString(message, 'tool_call_id');
    if (toolCallId !== null && toolCallId.length > MAX_TOOL_CALL_ID_LENGTH) {
      return { param: `messages[${index}].tool_call_id`, length: toolCallId.length };
    }
    for (const [callIndex, toolCall] of recordsOf(readArray(message, 'tool_calls')).entries()) {
      const id = readString(toolCall, 'id');
      if (id !== null && id.length > MAX_TOOL_CALL_ID_LENGTH) {
        return { param: `messages[${index}].tool_calls[${callIndex}].id`, length: id.length };
      }
    }
  }
  return null;
}

function invalid(error: { message: string; type: string; param?: string; code?: string }): { ok: false; reply: JsonReply } {
  return { ok: false, reply: openAIErrorReply(400, error) };
}

function readConversation(body: JsonRecord, messages: JsonRecord[]): Conversation {
  const userMessages = messages.filter((message) => message['role'] === 'user');
  const lastUser = userMessages[userMessages.length - 1];
  return {
    promptTexts: messages.map(contentText),
    lastUserText: lastUser === undefined ? '' : contentText(lastUser),
    lastTurn: readLastTurn(messages),
    tools: readTools(body),
    toolChoice: readToolChoice(body['tool_choice']),
    maxOutputTokens: readNumber(body, 'max_completion_tokens') ?? readNumber(body, 'max_tokens'),
    stopSequences: readStringList(body, 'stop'),
  };
}

/** `content` is a string or an array of parts, of which the text parts count. */
function contentText(message: JsonRecord): string {
  const content = message['content'];
  if (typeof content === 'string') return content;
  return recordsOf(Array.isArray(content) ? content : null)
    .map((part) => (part['type'] === 'text' ? (readString(part, 'text') ?? '') : ''))
    .join('');
}

function readLastTurn(messages: JsonRecord[]): LastTurn {
  const last = messages[messages.length - 1];
  switch (last?.['role']) {
    case 'user':
      return { kind: 'user' };
    case 'assistant':
      return { kind: 'assistant' };
    case 'tool':
      return { kind: 'tool-results', results: trailingToolResults(messages) };
    default:
      return { kind: 'other' };
  }
}

/** The tool messages that end the conversation, named after the assistant tool calls they answer. */
function trailingToolResults(messages: JsonRecord[]): ToolResult[] {
  const namesByCallId = new Map<string, string>();
  for (const message of messages) {
    for (const call of recordsOf(readArray(message, 'tool_calls'))) {
      const callId = readString(call, 'id');
      const name = readString(readRecord(call, 'function') ?? {}, 'name');
      if (callId !== null && name !== null) namesByCallId.set(callId, name);
    }
  }
  const results: ToolResult[] = [];
  for (let index = messages.length - 1; index >= 0 && messages[index]?.['role'] === 'tool'; index -= 1) {
    const message = messages[index] as JsonRecord;
    const callId = readString(message, 'tool_call_id') ?? 'unknown';
    results.unshift({ toolName: namesByCallId.get(callId) ?? callId, result: contentText(message) });
  }
  return results;
}

function readTools(body: JsonRecord): ToolDefinition[] {
  return recordsOf(readArray(body, 'tools')).flatMap((tool) => {
    const definition = readRecord(tool, 'function');
    const name = definition === null ? null : readString(definition, 'name');
    return definition === null || name === null ? [] : [{ name, parameters: definition['parameters'] ?? {} }];
  });
}

function readToolChoice(value: unknown): ToolChoice {
  if (value === 'none') return { mode: 'none' };
  if (value === 'required') return { mode: 'required' };
  if (isRecord(value)) {
    const name = readString(readRecord(value, 'function') ?? {}, 'name');
    if (name !== null) return { mode: 'named', name };
  }
  return { mode: 'auto' };
}
