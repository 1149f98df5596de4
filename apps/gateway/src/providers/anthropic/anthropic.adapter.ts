import type { Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletion, ChatCompletionMessageToolCall, CompletionUsage, ReasoningMessageFields, ThinkingBlock } from '@uniroute/shared';
import type { z } from 'zod';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { SYSTEM_RUNTIME, joinUrl, type AdapterRuntime } from '../adapter-runtime.js';
import {
  deltaChoice,
  serializeChunk,
  newStreamEnvelope,
  serializeUsageChunk,
  type ChunkEnvelope,
  type FinishReason,
  type ReasoningDelta,
  type StreamEnvelope,
} from '../openai-chunks.js';
import type {
  ChatRequest,
  ProviderAdapter,
  SseEvent,
  UpstreamContext,
  UpstreamErrorContext,
  UpstreamRequest,
} from '../provider-adapter.js';
import {
  functionTools,
  maxOutputTokens,
  normalizeToolChoice,
  stopSequences,
  type FunctionTool,
  type NormalizedToolChoice,
} from '../request-content.js';
import { parseErrorBody, unreadableUpstreamError, upstreamGatewayError } from '../upstream-error.js';
import {
  anthropicErrorBodySchema,
  anthropicMessageSchema,
  anthropicModelListSchema,
  anthropicStreamEventSchemas,
  anthropicStreamEventTypeSchema,
  type AnthropicMessagesRequest,
  type AnthropicUsage,
} from './anthropic.types.js';
import { anthropicThinking, INTERLEAVED_THINKING_BETA, thinkingEnabled, type AnthropicThinkingSettings } from './anthropic-thinking.js';
import { convertAnthropicMessages } from './convert-anthropic-messages.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

/**
 * The Messages API version UniRoute speaks; newer behaviour arrives through request fields, not this header.
 * @see https://docs.anthropic.com/en/api/versioning
 */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * `max_tokens` when the client sets neither `max_tokens` nor `max_completion_tokens`. Anthropic requires the field
 * while OpenAI makes it optional; 4096 is an output every current Claude model allows, long enough that ordinary
 * answers are not cut short, and it bounds the cost of a request that forgot to set a limit.
 * @see https://docs.anthropic.com/en/api/messages#body-max-tokens
 */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/** OpenAI's temperature runs 0–2, Anthropic's 0–1. */
const ANTHROPIC_MAX_TEMPERATURE = 1;

/**
 * Anthropic's error `type` → the HTTP status it is documented with, for errors that arrive inside a stream (where
 * the HTTP status was already 200).
 * @see https://docs.anthropic.com/en/api/errors#http-errors
 */
const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Per-stream bookkeeping for {@link AnthropicAdapter.fromUpstreamEvent}. */
export interface AnthropicStreamState {
  readonly envelope: StreamEnvelope;
  started: boolean;
  /** Anthropic content-block index → OpenAI tool-call index (which counts tool calls only). */
  readonly toolCalls: Map<number, { readonly index: number; argumentsSent: boolean }>;
  /** Anthropic content-block index → the thinking block being streamed, sent whole once its signature is in. */
  readonly thinking: Map<number, { thinking: string; signature: string }>;
  usage: AnthropicUsage | undefined;
  usageSent: boolean;
}

/**
 * Translates OpenAI chat completions to Anthropic's Messages API and back, for JSON and SSE responses.
 * @see https://docs.anthropic.com/en/api/messages
 */
export class AnthropicAdapter implements ProviderAdapter<AnthropicStreamState> {
  readonly id = 'anthropic' as const;
  readonly passthrough = false;

  constructor(private readonly runtime: AdapterRuntime = SYSTEM_RUNTIME) {}

  /** @see https://docs.anthropic.com/en/api/messages */
  toUpstreamRequest(request: ChatRequest, context: UpstreamContext): UpstreamRequest {
    if (request.n != null && request.n > 1) {
      throw new GatewayError('invalid_request', 'Anthropic models return one choice per request; `n` must be 1.', {
        param: 'n',
      });
    }
    const { system, messages } = convertAnthropicMessages(request.messages);
    const stop = stopSequences(request.stop);
    const userId = request.user ?? request.safety_identifier;
    const thinking = anthropicThinking(request, maxOutputTokens(request), DEFAULT_ANTHROPIC_MAX_TOKENS);
    const thinkingOn = thinkingEnabled(thinking);
    const tools = toolParameters(request);
    const body: AnthropicMessagesRequest = {
      model: request.model,
      max_tokens: thinking.maxTokens,
      messages,
      ...(system ? { system } : {}),
      ...(thinking.thinking ? { thinking: thinking.thinking } : {}),
      // Thinking is incompatible with changed temperature or top_p (OpenAI's reasoning models reject them too), and
      // OpenAI clients often send them by default, so they are left out rather than failing the request.
      // @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#feature-compatibility
      ...(thinkingOn ? {} : samplingParameters(request)),
      ...(stop ? { stop_sequences: stop } : {}),
      ...tools,
      // @see https://docs.anthropic.com/en/api/messages#body-metadata
      ...(userId ? { metadata: { user_id: userId } } : {}),
      ...outputConfig(request, thinking.effort),
      ...(request.stream ? { stream: true } : {}),
    };
    return {
      method: 'POST',
      url: joinUrl(context.baseUrl, '/v1/messages'),
      headers: anthropicHeaders(context.apiKey, {
        'content-type': 'application/json',
        // Adaptive thinking interleaves by itself; only budgeted thinking needs the beta.
        ...(thinking.thinking?.type === 'enabled' && tools.tools ? { 'anthropic-beta': INTERLEAVED_THINKING_BETA } : {}),
      }),
      body: JSON.stringify(body),
    };
  }

  /** @see https://docs.anthropic.com/en/api/messages#response */
  fromUpstreamResponse(body: unknown, request: ChatRequest): ChatCompletion {
    const parsed = anthropicMessageSchema.safeParse(body);
    if (!parsed.success) throw unreadableUpstreamError(this.id, 'a response', parsed.error);
    const message = parsed.data;

    const texts: string[] = [];
    const toolCalls: ChatCompletionMessageToolCall[] = [];
    const thinkingBlocks: ThinkingBlock[] = [];
    for (const block of message.content) {
      if ('text' in block) texts.push(block.text);
      else if ('thinking' in block) thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature ?? '' });
      else if ('data' in block) thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
      else if ('input' in block) {
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
      }
      // Server-tool blocks have no place in a chat.completion.
    }
    const reasoning = reasoningFields(thinkingBlocks);

    return {
      id: message.id,
      object: 'chat.completion',
      created: this.runtime.now(),
      model: message.model ?? request.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: texts.length > 0 ? texts.join('') : toolCalls.length > 0 ? null : '',
            refusal: null,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            ...reasoning,
          },
          logprobs: null,
          finish_reason: mapAnthropicStopReason(message.stop_reason),
        },
      ],
      usage: toOpenAIUsage(message.usage ?? {}),
    };
  }

  createStreamState(request: ChatRequest): AnthropicStreamState {
    return {
      envelope: newStreamEnvelope(request, this.runtime),
      started: false,
      toolCalls: new Map(),
      thinking: new Map(),
      usage: undefined,
      usageSent: false,
    };
  }

  /**
   * One Messages stream event as OpenAI chunks: text and tool-argument deltas become `delta`s, the stop reason a
   * final `finish_reason`, pings nothing, an `error` event a thrown `GatewayError`.
   * @see https://platform.claude.com/docs/en/build-with-claude/streaming
   */
  fromUpstreamEvent(event: SseEvent, state: AnthropicStreamState): string[] {
    const data = this.readEvent(event);
    const chunks: string[] = [];
    switch (data.type) {
      case 'message_start': {
        const { message } = this.readEventAs('message_start', data);
        state.envelope.id = message.id;
        state.envelope.model = message.model ?? state.envelope.model;
        state.usage = mergeUsage(state.usage, message.usage);
        this.start(state, chunks);
        return chunks;
      }
      case 'content_block_start': {
        const { index, content_block: block } = this.readEventAs('content_block_start', data);
        this.start(state, chunks);
        if ('text' in block && block.text) chunks.push(this.delta(state, { content: block.text }));
        if ('thinking' in block) {
          state.thinking.set(index, { thinking: block.thinking, signature: block.signature ?? '' });
          if (block.thinking) chunks.push(this.delta(state, { reasoning_content: block.thinking }));
        }
        // Redacted thinking has nothing to show and arrives whole: the client only needs to send it back.
        if ('data' in block) chunks.push(this.delta(state, { thinking_blocks: [{ type: 'redacted_thinking', data: block.data }] }));
        if ('input' in block) {
          const toolCall = { index: state.toolCalls.size, argumentsSent: false };
          state.toolCalls.set(index, toolCall);
          chunks.push(
            this.delta(state, {
              tool_calls: [
                { index: toolCall.index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } },
              ],
            }),
          );
        }
        return chunks;
      }
      case 'content_block_delta': {
        const { index, delta } = this.readEventAs('content_block_delta', data);
        this.start(state, chunks);
        if ('text' in delta && delta.text) chunks.push(this.delta(state, { content: delta.text }));
        const toolCall = state.toolCalls.get(index);
        if ('partial_json' in delta && delta.partial_json && toolCall) {
          toolCall.argumentsSent = true;
          chunks.push(
            this.delta(state, { tool_calls: [{ index: toolCall.index, function: { arguments: delta.partial_json } }] }),
          );
        }
        const thinking = state.thinking.get(index);
        if (thinking && 'thinking' in delta && delta.thinking) {
          thinking.thinking += delta.thinking;
          chunks.push(this.delta(state, { reasoning_content: delta.thinking }));
        }
        if (thinking && 'signature' in delta) thinking.signature += delta.signature;
        // citations_delta: nothing to say in Chat Completions.
        return chunks;
      }
      case 'content_block_stop': {
        const { index } = this.readEventAs('content_block_stop', data);
        const toolCall = state.toolCalls.get(index);
        // A tool called without arguments streams no input_json_delta; OpenAI clients expect "{}", not "".
        if (toolCall && !toolCall.argumentsSent) {
          toolCall.argumentsSent = true;
          chunks.push(this.delta(state, { tool_calls: [{ index: toolCall.index, function: { arguments: '{}' } }] }));
        }
        // The signature comes last (signature_delta just before the stop): the signed block goes out whole here,
        // once, as the block the client sends back; the text already streamed as reasoning_content.
        const thinking = state.thinking.get(index);
        if (thinking) {
          state.thinking.delete(index);
          chunks.push(this.delta(state, { thinking_blocks: [{ type: 'thinking', ...thinking }] }));
        }
        return chunks;
      }
      case 'message_delta': {
        const { delta, usage } = this.readEventAs('message_delta', data);
        state.usage = mergeUsage(state.usage, usage);
        if (delta.stop_reason) {
          this.start(state, chunks);
          chunks.push(this.delta(state, {}, mapAnthropicStopReason(delta.stop_reason)));
        }
        return chunks;
      }
      case 'message_stop':
        return this.usageChunk(state);
      case 'ping':
        return [];
      case 'error': {
        const { error } = this.readEventAs('error', data);
        throw upstreamGatewayError({
          provider: this.id,
          status: STATUS_BY_ERROR_TYPE[error?.type ?? ''] ?? 502,
          upstreamType: error?.type,
          upstreamMessage: error?.message,
        });
      }
      default:
        // New event kinds are announced as additive; ignoring them keeps old gateways streaming.
        return [];
    }
  }

  /** The usage chunk, when the stream ended before `message_stop` delivered it. */
  finishStream(state: AnthropicStreamState): string[] {
    return this.usageChunk(state);
  }

  /** @see https://docs.anthropic.com/en/api/errors */
  toGatewayError(status: number, body: unknown, context: UpstreamErrorContext): GatewayError {
    const parsed = anthropicErrorBodySchema.safeParse(parseErrorBody(body));
    const error = parsed.success ? parsed.data.error : undefined;
    return upstreamGatewayError({
      provider: this.id,
      status,
      upstreamType: error?.type,
      upstreamMessage: error?.message,
      keySource: context.keySource,
      headers: context.headers,
      exactSecrets: context.exactSecrets,
      cause: parsed.success ? undefined : parsed.error,
    });
  }

  /**
   * The largest page the endpoint serves, so one call lists every model.
   * @see https://docs.anthropic.com/en/api/models-list
   */
  listModelsRequest(context: UpstreamContext): UpstreamRequest {
    return {
      method: 'GET',
      url: joinUrl(context.baseUrl, '/v1/models?limit=1000'),
      headers: anthropicHeaders(context.apiKey),
    };
  }

  fromModelsResponse(body: unknown): string[] {
    const parsed = anthropicModelListSchema.safeParse(body);
    if (!parsed.success) throw unreadableUpstreamError(this.id, 'a model list', parsed.error);
    return parsed.data.data.map((model) => model.id);
  }

  private readEvent(event: SseEvent): { type: string } & Record<string, unknown> {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch (error) {
      throw unreadableUpstreamError(this.id, 'a stream event', error);
    }
    const parsed = anthropicStreamEventTypeSchema.safeParse(json);
    if (!parsed.success) throw unreadableUpstreamError(this.id, 'a stream event', parsed.error);
    return parsed.data;
  }

  private readEventAs<TType extends keyof typeof anthropicStreamEventSchemas>(
    type: TType,
    data: unknown,
  ): z.infer<(typeof anthropicStreamEventSchemas)[TType]> {
    const parsed = anthropicStreamEventSchemas[type].safeParse(data);
    if (!parsed.success) throw unreadableUpstreamError(this.id, `a ${type} event`, parsed.error);
    return parsed.data as z.infer<(typeof anthropicStreamEventSchemas)[TType]>;
  }

  /** OpenAI streams open with a chunk announcing the assistant role. */
  private start(state: AnthropicStreamState, chunks: string[]): void {
    if (state.started) return;
    state.started = true;
    chunks.push(this.delta(state, { role: 'assistant', content: '' }));
  }

  private delta(
    state: AnthropicStreamState,
    delta: ReasoningDelta,
    finishReason: FinishReason | null = null,
  ): string {
    return serializeChunk(state.envelope satisfies ChunkEnvelope, [deltaChoice(0, delta, finishReason)]);
  }

  private usageChunk(state: AnthropicStreamState): string[] {
    if (!state.envelope.includeUsage || state.usageSent || !state.usage) return [];
    state.usageSent = true;
    return [serializeUsageChunk(state.envelope, toOpenAIUsage(state.usage))];
  }
}

/**
 * Thinking blocks as the OpenAI-shaped message carries them: their text joined as `reasoning_content`, the blocks
 * themselves (signatures and redacted data included) as `thinking_blocks`.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
function reasoningFields(blocks: ThinkingBlock[]): ReasoningMessageFields {
  if (blocks.length === 0) return {};
  const texts = blocks.flatMap((block) => (block.type === 'thinking' ? [block.thinking] : []));
  // Only redacted thinking: nothing readable to show, but the blocks must still go back.
  return { ...(texts.length > 0 ? { reasoning_content: texts.join('\n\n') } : {}), thinking_blocks: blocks };
}

function anthropicHeaders(apiKey: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'x-api-key': apiKey, 'anthropic-version': ANTHROPIC_VERSION, ...extra };
}

/**
 * OpenAI's temperature allows 0–2, Anthropic's 0–1: values above 1 are clamped to 1 (not halved), so the common
 * 0–1 settings keep their meaning. Newer Claude models reject `temperature` and `top_p` together, and OpenAI clients
 * often send both, so `top_p` is only sent on its own.
 * @see https://docs.anthropic.com/en/api/messages#body-temperature
 * @see https://platform.claude.com/docs/en/about-claude/models/migration-guide
 */
function samplingParameters(request: ChatRequest): Pick<AnthropicMessagesRequest, 'temperature' | 'top_p'> {
  if (request.temperature != null) {
    return { temperature: Math.min(Math.max(request.temperature, 0), ANTHROPIC_MAX_TEMPERATURE) };
  }
  if (request.top_p != null) return { top_p: request.top_p };
  return {};
}

/**
 * Function tools become `{ name, description, input_schema }`; `tool_choice` maps auto→auto, none→none,
 * required→any, a named function→`{type:'tool'}`; `parallel_tool_calls: false` becomes `disable_parallel_tool_use`.
 * OpenAI's `allowed_tools` narrows the tool list, since Anthropic has no such filter.
 * @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#controlling-claudes-output
 */
function toolParameters(request: ChatRequest): Pick<AnthropicMessagesRequest, 'tools' | 'tool_choice'> {
  const tools = functionTools(request, 'Anthropic');
  if (tools.length === 0) return {};
  const choice = normalizeToolChoice(request.tool_choice, 'Anthropic');
  const allowed = choice && 'allowedNames' in choice && choice.allowedNames ? new Set(choice.allowedNames) : undefined;
  const selected = allowed ? tools.filter((tool) => allowed.has(tool.function.name)) : tools;
  if (selected.length === 0) return {};
  const toolChoice = anthropicToolChoice(choice, request.parallel_tool_calls === false);
  return { tools: selected.map(toAnthropicTool), ...(toolChoice ? { tool_choice: toolChoice } : {}) };
}

function anthropicToolChoice(choice: NormalizedToolChoice | undefined, serial: boolean): ToolChoice | undefined {
  const parallel = serial ? { disable_parallel_tool_use: true } : {};
  switch (choice?.kind) {
    case undefined:
      return serial ? { type: 'auto', ...parallel } : undefined;
    case 'auto':
      return { type: 'auto', ...parallel };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any', ...parallel };
    case 'function':
      return { type: 'tool', name: choice.name, ...parallel };
  }
}

/** @see https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#specifying-client-tools */
function toAnthropicTool(tool: FunctionTool): Tool {
  const { name, description, parameters, strict } = tool.function;
  return {
    name,
    ...(description ? { description } : {}),
    // Anthropic requires an object schema even for a tool without parameters.
    input_schema: { ...(parameters ?? { properties: {} }), type: 'object' },
    ...(strict ? { strict: true } : {}),
  };
}

/**
 * `response_format: json_schema` becomes Anthropic's structured output format. `json_object` has no counterpart and
 * is left to the prompt, as OpenAI itself requires the prompt to ask for JSON in that mode.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/structured-outputs
 */
function outputConfig(request: ChatRequest, effort: AnthropicThinkingSettings['effort']): Pick<AnthropicMessagesRequest, 'output_config'> {
  const format = request.response_format;
  const schema = format?.type === 'json_schema' ? { format: { type: 'json_schema' as const, schema: format.json_schema.schema ?? { type: 'object' } } } : {};
  // Adaptive thinking takes its effort here. @see https://platform.claude.com/docs/en/build-with-claude/effort
  const config = { ...schema, ...(effort ? { effort } : {}) };
  return Object.keys(config).length > 0 ? { output_config: config } : {};
}

/** Later counts win: `message_delta` carries cumulative totals. */
function mergeUsage(current: AnthropicUsage | undefined, next: AnthropicUsage | null | undefined): AnthropicUsage | undefined {
  if (!next) return current;
  return {
    input_tokens: next.input_tokens ?? current?.input_tokens,
    output_tokens: next.output_tokens ?? current?.output_tokens,
    cache_creation_input_tokens: next.cache_creation_input_tokens ?? current?.cache_creation_input_tokens,
    cache_read_input_tokens: next.cache_read_input_tokens ?? current?.cache_read_input_tokens,
  };
}

/**
 * Anthropic counts cached prompt tokens apart from `input_tokens`; OpenAI's `prompt_tokens` includes them, with the
 * cache reads repeated in `prompt_tokens_details.cached_tokens`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
function toOpenAIUsage(usage: AnthropicUsage): CompletionUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const promptTokens = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cacheRead;
  const completionTokens = usage.output_tokens ?? 0;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}
