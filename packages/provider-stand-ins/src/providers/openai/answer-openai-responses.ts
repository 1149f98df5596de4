import type { Answer } from '../../conversation/answer.js';
import type { Conversation, ToolChoice, ToolDefinition, ToolResult } from '../../conversation/conversation.js';
import { planAnswer } from '../../conversation/plan-answer.js';
import { splitIntoChunks } from '../../conversation/split-into-chunks.js';
import { namedEvent } from '../../http/sse-event.js';
import { randomHex, randomToken, unixSeconds } from '../../ids.js';
import { isRecord, readNumber, readRecord, readString, recordsOf, type JsonRecord } from '../../json/json-readers.js';
import type { JsonReply, ProviderReply, StoredResponse } from '../provider-api.js';
import { openAIErrorReply, openAIModelNotFound, openAIResponseHeaders } from './openai-errors.js';
import { findOpenAIModel } from './openai-models.js';

/** OpenAI's limit on `metadata`: 16 pairs. @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-metadata */
const MAX_METADATA_PAIRS = 16;

/**
 * `POST /v1/responses`: the deterministic answer as a Response object (JSON), or with `stream: true` as
 * the typed events of the Responses streaming API (`event: <type>` + `data: {type, sequence_number, …}`,
 * no `[DONE]`). Stored unless `store: false`, for `GET` and `DELETE /v1/responses/{id}` and
 * `previous_response_id`.
 * @see https://platform.openai.com/docs/api-reference/responses/create
 * @see https://platform.openai.com/docs/api-reference/responses/object
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
export function answerCreateResponse(body: unknown, settings: { streamChunks: number; storedResponses: Map<string, StoredResponse> }): ProviderReply {
  if (!isRecord(body)) return invalid("Invalid type for 'body': expected an object.", null);
  const modelId = readString(body, 'model');
  if (modelId === null) return invalid("Missing required parameter: 'model'.", 'model');
  const model = findOpenAIModel(modelId);
  if (model === null) return openAIModelNotFound(modelId);
  if (!model.chat) return invalid(`The model \`${modelId}\` is not supported with the Responses API.`, 'model');
  const metadata = readRecord(body, 'metadata') ?? {};
  if (Object.keys(metadata).length > MAX_METADATA_PAIRS || !Object.values(metadata).every((value) => typeof value === 'string')) {
    return invalid(`Invalid 'metadata': at most ${MAX_METADATA_PAIRS} string values.`, 'metadata');
  }
  const previousId = readString(body, 'previous_response_id');
  const previous = previousId === null ? undefined : settings.storedResponses.get(previousId);
  if (previousId !== null && previous === undefined) return openAIErrorReply(404, { message: `Previous response with id '${previousId}' not found.`, type: 'invalid_request_error', param: 'previous_response_id' });

  const conversation = readConversation(body, previous?.response);
  const answer = planAnswer(conversation);
  const response = renderResponse(answer, body, { model: model.snapshot, metadata, previousId });
  const events = renderResponseEvents(answer, response, settings.streamChunks);
  if (body['store'] !== false) settings.storedResponses.set(response['id'] as string, { response, events });
  if (body['stream'] !== true) return json(response);
  return { kind: 'stream', headers: { ...openAIResponseHeaders(), 'content-type': 'text/event-stream; charset=utf-8' }, events: events.map((event) => namedEvent(event['type'] as string, event)) };
}

/** `GET /v1/responses/{id}`; with `?stream=true` the stored events again, after `starting_after`. @see https://platform.openai.com/docs/api-reference/responses/get */
export function answerGetResponse(request: { responseId: string; stream: boolean; startingAfter: number | null }, stored: Map<string, StoredResponse>): ProviderReply {
  const found = stored.get(request.responseId);
  if (found === undefined) return responseNotFound(request.responseId);
  if (!request.stream) return json(found.response);
  const after = request.startingAfter ?? -1;
  const events = found.events.filter((event) => (event['sequence_number'] as number) > after);
  return { kind: 'stream', headers: { ...openAIResponseHeaders(), 'content-type': 'text/event-stream; charset=utf-8' }, events: events.map((event) => namedEvent(event['type'] as string, event)) };
}

/** `DELETE /v1/responses/{id}`. @see https://platform.openai.com/docs/api-reference/responses/delete */
export function answerDeleteResponse(responseId: string, stored: Map<string, StoredResponse>): JsonReply {
  if (!stored.delete(responseId)) return responseNotFound(responseId);
  return json({ id: responseId, object: 'response', deleted: true });
}

/** The `error` event of a Responses stream that fails after it began. @see https://platform.openai.com/docs/api-reference/responses-streaming/error */
export function responsesMidStreamError(sequenceNumber: number): string {
  return namedEvent('error', { type: 'error', code: 'server_error', message: 'The server had an error while processing your request. Sorry about that!', param: null, sequence_number: sequenceNumber });
}

function renderResponse(answer: Answer, body: JsonRecord, identity: { model: string; metadata: JsonRecord; previousId: string | null }): Record<string, unknown> {
  const incomplete = answer.kind === 'text' && answer.finish === 'max-tokens';
  const output =
    answer.kind === 'tool-call'
      ? [{ id: `fc_${randomHex(50)}`, type: 'function_call', status: 'completed', arguments: answer.argumentsJson, call_id: `call_${randomToken(24)}`, name: answer.toolName }]
      : [{ id: `msg_${randomHex(50)}`, type: 'message', status: incomplete ? 'incomplete' : 'completed', role: 'assistant', content: [{ type: 'output_text', text: answer.text, annotations: [], logprobs: [] }] }];
  return {
    id: `resp_${randomHex(50)}`,
    object: 'response',
    created_at: unixSeconds(),
    status: incomplete ? 'incomplete' : 'completed',
    background: false,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: readString(body, 'instructions'),
    max_output_tokens: readNumber(body, 'max_output_tokens'),
    model: identity.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: identity.previousId,
    reasoning: { effort: null, summary: null },
    store: body['store'] !== false,
    temperature: readNumber(body, 'temperature') ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: body['tool_choice'] ?? 'auto',
    tools: Array.isArray(body['tools']) ? body['tools'] : [],
    top_p: readNumber(body, 'top_p') ?? 1,
    truncation: 'disabled',
    usage: {
      input_tokens: answer.usage.inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: answer.usage.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: answer.usage.inputTokens + answer.usage.outputTokens,
    },
    user: null,
    metadata: identity.metadata,
  };
}

/**
 * The event sequence of a streamed response: created, in_progress, the output item added, its text deltas (or
 * function-call argument deltas) and their done events, the item done, and completed (incomplete when cut).
 * @see https://platform.openai.com/docs/api-reference/responses-streaming
 */
function renderResponseEvents(answer: Answer, response: Record<string, unknown>, streamChunks: number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  const push = (type: string, fields: Record<string, unknown>): void => {
    events.push({ type, sequence_number: events.length, ...fields });
  };
  const opening = { ...response, status: 'in_progress', output: [], usage: null, incomplete_details: null };
  push('response.created', { response: opening });
  push('response.in_progress', { response: opening });
  const item = (response['output'] as Record<string, unknown>[])[0] as Record<string, unknown>;
  const itemId = item['id'];
  if (answer.kind === 'tool-call') {
    push('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
    for (const delta of splitIntoChunks(answer.argumentsJson, streamChunks)) push('response.function_call_arguments.delta', { item_id: itemId, output_index: 0, delta });
    push('response.function_call_arguments.done', { item_id: itemId, output_index: 0, name: answer.toolName, arguments: answer.argumentsJson });
  } else {
    const part = { type: 'output_text', text: answer.text, annotations: [], logprobs: [] };
    push('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    push('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { ...part, text: '' } });
    for (const delta of splitIntoChunks(answer.text, streamChunks)) push('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] });
    push('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: answer.text, logprobs: [] });
    push('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part });
  }
  push('response.output_item.done', { output_index: 0, item });
  push(response['status'] === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  return events;
}

/** `input` (a string or a list of items), `instructions`, tools and the previous response, as the stand-ins' conversation. */
function readConversation(body: JsonRecord, previous: Record<string, unknown> | undefined): Conversation {
  const items = typeof body['input'] === 'string' ? [{ role: 'user', content: body['input'] }] : recordsOf(Array.isArray(body['input']) ? body['input'] : null);
  const toolNames = new Map<string, string>();
  for (const item of [...recordsOf((previous?.['output'] as unknown[] | undefined) ?? null), ...items]) {
    const callId = readString(item, 'call_id');
    const name = readString(item, 'name');
    if (item['type'] === 'function_call' && callId !== null && name !== null) toolNames.set(callId, name);
  }
  const texts = items.map(itemText);
  const instructions = readString(body, 'instructions');
  const userItems = items.filter((item) => item['role'] === 'user');
  const last = items[items.length - 1];
  const trailingResults: ToolResult[] = [];
  for (let index = items.length - 1; index >= 0 && items[index]?.['type'] === 'function_call_output'; index -= 1) {
    const item = items[index] as JsonRecord;
    const callId = readString(item, 'call_id') ?? 'unknown';
    trailingResults.unshift({ toolName: toolNames.get(callId) ?? callId, result: itemText(item) });
  }
  return {
    promptTexts: instructions === null ? texts : [instructions, ...texts],
    lastUserText: userItems.length === 0 ? '' : itemText(userItems[userItems.length - 1] as JsonRecord),
    lastTurn: trailingResults.length > 0 ? { kind: 'tool-results', results: trailingResults } : last?.['role'] === 'user' ? { kind: 'user' } : { kind: 'other' },
    tools: readTools(body),
    toolChoice: readToolChoice(body['tool_choice']),
    maxOutputTokens: readNumber(body, 'max_output_tokens'),
    stopSequences: [],
  };
}

/** A message's text (string content or its `input_text` / `output_text` parts), or a tool output. */
function itemText(item: JsonRecord): string {
  if (item['type'] === 'function_call_output') return typeof item['output'] === 'string' ? item['output'] : JSON.stringify(item['output'] ?? '');
  const content = item['content'];
  if (typeof content === 'string') return content;
  return recordsOf(Array.isArray(content) ? content : null)
    .map((part) => (part['type'] === 'input_text' || part['type'] === 'output_text' ? (readString(part, 'text') ?? '') : ''))
    .join('');
}

/** Function tools are flat in the Responses API: `{ type: "function", name, parameters }`. */
function readTools(body: JsonRecord): ToolDefinition[] {
  return recordsOf(Array.isArray(body['tools']) ? body['tools'] : null).flatMap((tool) => {
    const name = readString(tool, 'name');
    return tool['type'] === 'function' && name !== null ? [{ name, parameters: tool['parameters'] ?? {} }] : [];
  });
}

function readToolChoice(value: unknown): ToolChoice {
  if (value === 'none') return { mode: 'none' };
  if (value === 'required') return { mode: 'required' };
  if (isRecord(value) && value['type'] === 'function') {
    const name = readString(value, 'name');
    if (name !== null) return { mode: 'named', name };
  }
  return { mode: 'auto' };
}

function responseNotFound(responseId: string): JsonReply {
  return openAIErrorReply(404, { message: `Response with id '${responseId}' not found.`, type: 'invalid_request_error', param: null });
}

function invalid(message: string, param: string | null): JsonReply {
  return openAIErrorReply(400, { message, type: 'invalid_request_error', param });
}

function json(body: unknown): JsonReply {
  return { kind: 'json', status: 200, headers: openAIResponseHeaders(), body };
}
