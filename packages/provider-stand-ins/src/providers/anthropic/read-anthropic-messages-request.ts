import type { Conversation, LastTurn, ToolChoice, ToolDefinition, ToolResult } from '../../conversation/conversation.js';
import { isRecord, readArray, readNumber, readRecord, readString, readStringList, recordsOf, type JsonRecord } from '../../json/json-readers.js';
import type { JsonReply } from '../provider-api.js';
import { anthropicErrorReply, anthropicModelNotFound } from './anthropic-errors.js';
import { findAnthropicModel } from './anthropic-models.js';

/** A Messages API request that passed the real API's first checks. */
export interface AnthropicMessagesRequest {
  /** The model as requested (alias or dated id); the response echoes it. */
  readonly model: string;
  readonly stream: boolean;
  readonly conversation: Conversation;
}

/**
 * Validates a `POST /v1/messages` body with Anthropic's messages
 * (`max_tokens: Field required`, `model: <id>` for an unknown model) and reads
 * it into a provider-neutral conversation.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function readAnthropicMessagesRequest(
  body: unknown,
): { ok: true; request: AnthropicMessagesRequest } | { ok: false; reply: JsonReply } {
  if (!isRecord(body)) return invalid('Input should be a valid dictionary or object to extract fields from');
  const model = readString(body, 'model');
  if (model === null) return invalid('model: Field required');
  const messages = readArray(body, 'messages');
  if (messages === null) return invalid('messages: Field required');
  const maxTokens = readNumber(body, 'max_tokens');
  if (maxTokens === null) return invalid('max_tokens: Field required');
  if (messages.length === 0) return invalid('messages: at least one message is required');
  if (findAnthropicModel(model) === null) return { ok: false, reply: anthropicModelNotFound(model) };
  return {
    ok: true,
    request: { model, stream: body['stream'] === true, conversation: readConversation(body, recordsOf(messages), maxTokens) },
  };
}

function invalid(message: string): { ok: false; reply: JsonReply } {
  return { ok: false, reply: anthropicErrorReply(400, 'invalid_request_error', message) };
}

function readConversation(body: JsonRecord, messages: JsonRecord[], maxTokens: number): Conversation {
  const userTexts = messages.filter((message) => message['role'] === 'user').map(textOf).filter((text) => text !== '');
  return {
    promptTexts: [systemText(body['system']), ...messages.map(textOf), ...messages.flatMap(toolResultTexts)],
    lastUserText: userTexts[userTexts.length - 1] ?? '',
    lastTurn: readLastTurn(messages),
    tools: readTools(body),
    toolChoice: readToolChoice(readRecord(body, 'tool_choice')),
    maxOutputTokens: maxTokens,
    stopSequences: readStringList(body, 'stop_sequences'),
  };
}

/** `system` is a string or an array of text blocks. */
function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  return blockTexts(Array.isArray(system) ? system : null);
}

/** The text blocks of a message; `content` may also be a plain string. */
function textOf(message: JsonRecord): string {
  const content = message['content'];
  return typeof content === 'string' ? content : blockTexts(Array.isArray(content) ? content : null);
}

function blockTexts(blocks: unknown[] | null): string {
  return recordsOf(blocks)
    .map((block) => (block['type'] === 'text' ? (readString(block, 'text') ?? '') : ''))
    .join('');
}

function toolResultBlocks(message: JsonRecord): JsonRecord[] {
  return recordsOf(readArray(message, 'content')).filter((block) => block['type'] === 'tool_result');
}

/** A tool_result's `content` is a string or an array of text blocks. */
function toolResultText(block: JsonRecord): string {
  const content = block['content'];
  return typeof content === 'string' ? content : blockTexts(Array.isArray(content) ? content : null);
}

function toolResultTexts(message: JsonRecord): string[] {
  return toolResultBlocks(message).map(toolResultText);
}

function readLastTurn(messages: JsonRecord[]): LastTurn {
  const last = messages[messages.length - 1];
  if (last === undefined) return { kind: 'other' };
  if (last['role'] === 'assistant') return { kind: 'assistant' };
  if (last['role'] !== 'user') return { kind: 'other' };
  const results = toolResultBlocks(last);
  if (results.length === 0) return { kind: 'user' };
  const namesById = new Map<string, string>();
  for (const message of messages) {
    for (const block of recordsOf(readArray(message, 'content'))) {
      const id = readString(block, 'id');
      const name = readString(block, 'name');
      if (block['type'] === 'tool_use' && id !== null && name !== null) namesById.set(id, name);
    }
  }
  return {
    kind: 'tool-results',
    results: results.map((block): ToolResult => {
      const toolUseId = readString(block, 'tool_use_id') ?? 'unknown';
      return { toolName: namesById.get(toolUseId) ?? toolUseId, result: toolResultText(block) };
    }),
  };
}

function readTools(body: JsonRecord): ToolDefinition[] {
  return recordsOf(readArray(body, 'tools')).flatMap((tool) => {
    const name = readString(tool, 'name');
    return name === null ? [] : [{ name, parameters: tool['input_schema'] ?? {} }];
  });
}

/** @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use */
function readToolChoice(choice: JsonRecord | null): ToolChoice {
  switch (choice === null ? 'auto' : readString(choice, 'type')) {
    case 'none':
      return { mode: 'none' };
    case 'any':
      return { mode: 'required' };
    case 'tool': {
      const name = choice === null ? null : readString(choice, 'name');
      return name === null ? { mode: 'required' } : { mode: 'named', name };
    }
    default:
      return { mode: 'auto' };
  }
}
