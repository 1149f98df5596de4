import type { ChatCompletion, ChatCompletionMessageToolCall, CompletionUsage, ToolCallExtraFields } from '@uniroute/shared';
import type { z } from 'zod';
import type { GatewayError } from '../../common/errors/gateway-error.js';
import { SYSTEM_RUNTIME, joinUrl, type AdapterRuntime } from '../adapter-runtime.js';
import {
  deltaChoice,
  serializeChunk,
  newStreamEnvelope,
  serializeUsageChunk,
  type FinishReason,
  type ReasoningDelta,
  type StreamEnvelope,
} from '../openai-chunks.js';
import type {
  ChatRequest,
  ProviderAdapter,
  ResponseContext,
  SseEvent,
  ThoughtSignatureMemory,
  UpstreamContext,
  UpstreamErrorContext,
  UpstreamRequest,
} from '../provider-adapter.js';
import {
  functionTools,
  maxOutputTokens,
  normalizeToolChoice,
  stopSequences,
  type NormalizedToolChoice,
} from '../request-content.js';
import { parseErrorBody, unreadableUpstreamError, upstreamGatewayError } from '../upstream-error.js';
import { convertGoogleMessages } from './convert-google-messages.js';
import { googleThinkingConfig, isGemini3OrLater } from './google-thinking.js';
import { newGoogleToolCallId } from './google-tool-call-id.js';
import {
  googleErrorBodySchema,
  googleModelListSchema,
  googleResponseSchema,
  type GoogleCandidate,
  type GoogleFunctionCallingConfig,
  type GoogleGenerateContentRequest,
  type GoogleGenerationConfig,
  type GoogleUsage,
  googleErrorSchema,
} from './google.types.js';
import { mapGoogleFinishReason } from './map-google-finish-reason.js';
import { toGoogleSchema } from './to-google-schema.js';

type GoogleResponse = z.infer<typeof googleResponseSchema>;
type FunctionToolCall = Extract<ChatCompletionMessageToolCall, { type: 'function' }> & ToolCallExtraFields;
type GoogleError = z.infer<typeof googleErrorSchema>;

/** The `ErrorInfo.reason` Google sends, with a 400, for a key it does not know. */
const API_KEY_INVALID = 'API_KEY_INVALID';

/** A model serving either method routes somewhere: chat (`generateContent`) or embeddings (`embedContent`). */
const LISTED_METHODS = new Set(['generateContent', 'embedContent']);

/** Per-stream bookkeeping for {@link GoogleAdapter.fromUpstreamEvent}. */
export interface GoogleStreamState {
  readonly envelope: StreamEnvelope;
  /** Whether `envelope.id` is Gemini's `responseId` yet (it is adopted from the first event, before any chunk). */
  idFixed: boolean;
  /** Per candidate index: whether its role chunk went out, and how many tool calls it made so far. */
  readonly candidates: Map<number, { toolCallCount: number }>;
  usage: GoogleUsage | undefined;
  usageSent: boolean;
  /** The caller's signature memory, told each function call's signature as it streams by. */
  readonly thoughtSignatures: ThoughtSignatureMemory | undefined;
}

/**
 * Translates OpenAI chat completions to Gemini's `generateContent` / `streamGenerateContent` and back. The key goes
 * in the `x-goog-api-key` header, never in the URL, where it would end up in access logs.
 * @see https://ai.google.dev/api/generate-content
 */
export class GoogleAdapter implements ProviderAdapter<GoogleStreamState> {
  readonly id = 'google' as const;
  readonly passthrough = false;

  constructor(private readonly runtime: AdapterRuntime = SYSTEM_RUNTIME) {}

  /**
   * `alt=sse` makes the stream server-sent events, one `GenerateContentResponse` per `data:` line.
   * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
   */
  toUpstreamRequest(request: ChatRequest, context: UpstreamContext): UpstreamRequest {
    const memory = context.thoughtSignatures;
    const { systemInstruction, contents } = convertGoogleMessages(request.messages, {
      ...(memory ? { recall: (toolCallId: string) => memory.recall(toolCallId) } : {}),
      fillMissing: isGemini3OrLater(request.model),
    });
    const generationConfig = googleGenerationConfig(request);
    const body: GoogleGenerateContentRequest = {
      contents,
      ...(systemInstruction ? { systemInstruction } : {}),
      ...toolParameters(request),
      ...(Object.keys(generationConfig).length > 0 ? { generationConfig } : {}),
    };
    // Accept `google/models/gemini-…` too: `models/` is part of Gemini's own resource names.
    const model = encodeURIComponent(request.model.replace(/^models\//, ''));
    const method = request.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    return {
      method: 'POST',
      url: joinUrl(context.baseUrl, `/v1beta/models/${model}:${method}`),
      headers: { 'x-goog-api-key': context.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  }

  /** @see https://ai.google.dev/api/generate-content#generatecontentresponse */
  fromUpstreamResponse(body: unknown, request: ChatRequest, context?: ResponseContext): ChatCompletion {
    const parsed = googleResponseSchema.safeParse(body);
    if (!parsed.success) throw unreadableUpstreamError(this.id, 'a response', parsed.error);
    const response = parsed.data;
    const candidates = response.candidates ?? [];

    const choices: ChatCompletion['choices'] = candidates.map((candidate, position) => {
      const { text, reasoning, toolCalls } = this.readParts(candidate, context?.thoughtSignatures);
      return {
        index: candidate.index ?? position,
        message: {
          role: 'assistant',
          content: text || (toolCalls.length > 0 ? null : ''),
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          ...(reasoning ? { reasoning_content: reasoning } : {}),
        },
        logprobs: null,
        finish_reason: mapGoogleFinishReason(candidate.finishReason, toolCalls.length > 0),
      };
    });
    // A blocked prompt comes back with `promptFeedback.blockReason` and no candidates at all.
    if (choices.length === 0) {
      choices.push({
        index: 0,
        message: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: response.promptFeedback?.blockReason ? 'content_filter' : 'stop',
      });
    }

    return {
      id: response.responseId ?? `chatcmpl-${this.runtime.randomId()}`,
      object: 'chat.completion',
      created: this.runtime.now(),
      model: response.modelVersion ?? request.model,
      choices,
      usage: toOpenAIUsage(response.usageMetadata ?? {}),
    };
  }

  createStreamState(request: ChatRequest, context?: ResponseContext): GoogleStreamState {
    return {
      envelope: newStreamEnvelope(request, this.runtime),
      idFixed: false,
      candidates: new Map(),
      usage: undefined,
      usageSent: false,
      thoughtSignatures: context?.thoughtSignatures,
    };
  }

  /**
   * Each `data:` event is a partial `GenerateContentResponse`: its text and function calls become deltas, its
   * `finishReason` a closing chunk, its `usageMetadata` (cumulative) the usage reported at the end. Gemini sends
   * function calls whole, so each tool call arrives in one delta with complete arguments. There is no `[DONE]`.
   * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
   */
  fromUpstreamEvent(event: SseEvent, state: GoogleStreamState): string[] {
    const response = this.readEvent(event);
    if (!state.idFixed) {
      state.idFixed = true;
      if (response.responseId) state.envelope.id = response.responseId;
      if (response.modelVersion) state.envelope.model = response.modelVersion;
    }
    if (response.usageMetadata) state.usage = response.usageMetadata;

    const chunks: string[] = [];
    const candidates = response.candidates ?? [];
    candidates.forEach((candidate, position) => {
      const index = candidate.index ?? position;
      const candidateState = this.startCandidate(state, index, chunks);
      const { text, reasoning, toolCalls } = this.readParts(candidate, state.thoughtSignatures);
      const delta: ReasoningDelta = {};
      if (reasoning) delta.reasoning_content = reasoning;
      if (text) delta.content = text;
      if (toolCalls.length > 0) {
        delta.tool_calls = toolCalls.map((toolCall) => ({
          index: candidateState.toolCallCount++,
          id: toolCall.id,
          type: 'function',
          function: toolCall.function,
          ...(toolCall.extra_content ? { extra_content: toolCall.extra_content } : {}),
        }));
      }
      if (delta.reasoning_content !== undefined || delta.content !== undefined || delta.tool_calls) {
        chunks.push(this.chunk(state, index, delta));
      }
      if (candidate.finishReason) {
        const finishReason = mapGoogleFinishReason(candidate.finishReason, candidateState.toolCallCount > 0);
        chunks.push(this.chunk(state, index, {}, finishReason));
      }
    });
    if (candidates.length === 0 && response.promptFeedback?.blockReason) {
      this.startCandidate(state, 0, chunks);
      chunks.push(this.chunk(state, 0, {}, 'content_filter'));
    }
    return chunks;
  }

  /** Gemini ends its stream without a sentinel; the usage chunk goes out here. */
  finishStream(state: GoogleStreamState): string[] {
    if (!state.envelope.includeUsage || state.usageSent || !state.usage) return [];
    state.usageSent = true;
    return [serializeUsageChunk(state.envelope, toOpenAIUsage(state.usage))];
  }

  /**
   * Google's `{ error: { code, message, status, details } }`. Gemini answers an unknown key with
   * `400 INVALID_ARGUMENT` and reason `API_KEY_INVALID`; that becomes 401, the status OpenAI SDKs raise
   * `AuthenticationError` for. Retry hints in `RetryInfo` become `retry-after`.
   * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
   */
  toGatewayError(status: number, body: unknown, context: UpstreamErrorContext): GatewayError {
    const raw = parseErrorBody(body);
    // Without `alt=sse` Google wraps stream errors in a one-element array.
    const parsed = googleErrorBodySchema.safeParse(Array.isArray(raw) ? raw[0] : raw);
    return this.gatewayError(status, parsed.success ? parsed.data.error : undefined, {
      keySource: context.keySource,
      headers: context.headers,
      exactSecrets: context.exactSecrets,
      cause: parsed.success ? undefined : parsed.error,
    });
  }

  /**
   * The largest page Gemini serves, so one call lists every model; ids lose their `models/` prefix, and models that
   * can neither chat nor embed (AQA, Imagen) are left out: embedding models serve `/v1/embeddings` (§11).
   * @see https://ai.google.dev/api/models#method:-models.list
   */
  listModelsRequest(context: UpstreamContext): UpstreamRequest {
    return {
      method: 'GET',
      url: joinUrl(context.baseUrl, '/v1beta/models?pageSize=1000'),
      headers: { 'x-goog-api-key': context.apiKey },
    };
  }

  fromModelsResponse(body: unknown): string[] {
    const parsed = googleModelListSchema.safeParse(body);
    if (!parsed.success) throw unreadableUpstreamError(this.id, 'a model list', parsed.error);
    return (parsed.data.models ?? [])
      .filter((model) => !model.supportedGenerationMethods || model.supportedGenerationMethods.some((method) => LISTED_METHODS.has(method)))
      .map((model) => model.name.replace(/^models\//, ''));
  }

  private gatewayError(
    status: number,
    error: GoogleError | null | undefined,
    extra: Pick<Parameters<typeof upstreamGatewayError>[0], 'keySource' | 'headers' | 'exactSecrets' | 'cause'>,
  ): GatewayError {
    const reasons = (error?.details ?? []).flatMap((detail) => (detail.reason ? [detail.reason] : []));
    const retryDelay = error?.details?.find((detail) => detail.retryDelay)?.retryDelay;
    return upstreamGatewayError({
      provider: this.id,
      status: statusForGoogleError(status, error?.status, reasons),
      upstreamType: reasons.includes(API_KEY_INVALID) ? API_KEY_INVALID : error?.status,
      upstreamMessage: error?.message,
      retryAfterSeconds: parseDurationSeconds(retryDelay),
      ...extra,
    });
  }

  private readEvent(event: SseEvent): GoogleResponse {
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch (error) {
      throw unreadableUpstreamError(this.id, 'a stream event', error);
    }
    // A failure after the stream started arrives as an event carrying `error` instead of candidates.
    const failure = googleErrorBodySchema.safeParse(json);
    if (failure.success && failure.data.error) {
      throw this.gatewayError(failure.data.error.code ?? 500, failure.data.error, {});
    }
    const parsed = googleResponseSchema.safeParse(json);
    if (!parsed.success) throw unreadableUpstreamError(this.id, 'a stream event', parsed.error);
    return parsed.data;
  }

  /**
   * Text, thought summaries (`thought: true`, as `reasoning_content`) and function calls with short minted ids. A
   * call's thought signature goes where Google's OpenAI-compatible endpoint puts it
   * (`extra_content.google.thought_signature`) and into the caller's memory under the call's id, for clients that
   * drop unknown fields. Signatures on text parts are not needed back (Google only validates function-call steps).
   * @see https://ai.google.dev/gemini-api/docs/thought-signatures
   * @see https://ai.google.dev/gemini-api/docs/thinking#summaries
   */
  private readParts(
    candidate: GoogleCandidate,
    memory: ThoughtSignatureMemory | undefined,
  ): { text: string; reasoning: string; toolCalls: FunctionToolCall[] } {
    let text = '';
    let reasoning = '';
    const toolCalls: FunctionToolCall[] = [];
    for (const part of candidate.content?.parts ?? []) {
      if (part.functionCall) {
        const id = newGoogleToolCallId(this.runtime);
        const signature = part.thoughtSignature;
        if (signature) memory?.remember(id, signature);
        toolCalls.push({
          id,
          type: 'function',
          function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
          ...(signature ? { extra_content: { google: { thought_signature: signature } } } : {}),
        });
      } else if (part.text && part.thought) {
        reasoning += part.text;
      } else if (part.text) {
        text += part.text;
      }
    }
    return { text, reasoning, toolCalls };
  }

  /** Opens a candidate's stream with the role chunk OpenAI streams start with. */
  private startCandidate(state: GoogleStreamState, index: number, chunks: string[]): { toolCallCount: number } {
    let candidateState = state.candidates.get(index);
    if (!candidateState) {
      candidateState = { toolCallCount: 0 };
      state.candidates.set(index, candidateState);
      chunks.push(this.chunk(state, index, { role: 'assistant', content: '' }));
    }
    return candidateState;
  }

  private chunk(
    state: GoogleStreamState,
    index: number,
    delta: ReasoningDelta,
    finishReason: FinishReason | null = null,
  ): string {
    return serializeChunk(state.envelope, [deltaChoice(index, delta, finishReason)]);
  }
}

/**
 * Generation settings. Gemini's temperature range is OpenAI's (0–2), so it passes unchanged; `n` becomes
 * `candidateCount`; `response_format` becomes JSON mode, with the schema translated when one is given.
 * @see https://ai.google.dev/api/generate-content#generationconfig
 * @see https://ai.google.dev/gemini-api/docs/structured-output
 */
function googleGenerationConfig(request: ChatRequest): GoogleGenerationConfig {
  const config: GoogleGenerationConfig = {};
  const maxTokens = maxOutputTokens(request);
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  const stop = stopSequences(request.stop);
  if (stop) config.stopSequences = stop;
  if (request.n != null && request.n !== 1) config.candidateCount = request.n;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  if (request.seed != null) config.seed = request.seed;
  const format = request.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    const schema = toGoogleSchema(format.json_schema.schema);
    if (schema) config.responseSchema = schema;
  }
  const thinkingConfig = googleThinkingConfig(request);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  return config;
}

/**
 * Function tools become one `functionDeclarations` tool; `tool_choice` maps auto→AUTO, none→NONE, required→ANY, a
 * named function→ANY limited to it. OpenAI's `allowed_tools` narrows the declarations instead, since Gemini only
 * honours `allowedFunctionNames` in ANY mode.
 * @see https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes
 */
function toolParameters(request: ChatRequest): Pick<GoogleGenerateContentRequest, 'tools' | 'toolConfig'> {
  const tools = functionTools(request, 'Gemini');
  if (tools.length === 0) return {};
  const choice = normalizeToolChoice(request.tool_choice, 'Gemini');
  const allowed = choice && 'allowedNames' in choice && choice.allowedNames ? new Set(choice.allowedNames) : undefined;
  const selected = allowed ? tools.filter((tool) => allowed.has(tool.function.name)) : tools;
  if (selected.length === 0) return {};
  const functionDeclarations = selected.map(({ function: definition }) => {
    const parameters = toGoogleSchema(definition.parameters);
    return {
      name: definition.name,
      ...(definition.description ? { description: definition.description } : {}),
      // A function without parameters omits them: Gemini rejects an object schema with no properties.
      ...(parameters?.properties ? { parameters } : {}),
    };
  });
  const functionCallingConfig = googleFunctionCallingConfig(choice);
  return {
    tools: [{ functionDeclarations }],
    ...(functionCallingConfig ? { toolConfig: { functionCallingConfig } } : {}),
  };
}

function googleFunctionCallingConfig(choice: NormalizedToolChoice | undefined): GoogleFunctionCallingConfig | undefined {
  switch (choice?.kind) {
    case undefined:
      return undefined;
    case 'auto':
      return { mode: 'AUTO' };
    case 'none':
      return { mode: 'NONE' };
    case 'required':
      return { mode: 'ANY' };
    case 'function':
      return { mode: 'ANY', allowedFunctionNames: [choice.name] };
  }
}

/**
 * The status OpenAI clients should see for a Google error: an invalid key is 401 (Google says 400), a missing or
 * forbidden key 403, an exhausted quota 429; other statuses are kept.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
function statusForGoogleError(status: number, googleStatus: string | null | undefined, reasons: string[]): number {
  if (reasons.includes(API_KEY_INVALID)) return 401;
  if (googleStatus === 'PERMISSION_DENIED') return 403;
  if (googleStatus === 'RESOURCE_EXHAUSTED') return 429;
  if (googleStatus === 'UNAUTHENTICATED') return 401;
  return status;
}

/** A protobuf JSON duration (`"29s"`, `"1.5s"`) in seconds. @see https://protobuf.dev/programming-guides/json/ */
function parseDurationSeconds(duration: string | null | undefined): number | undefined {
  const match = duration ? /^(\d+(?:\.\d+)?)s$/.exec(duration) : null;
  return match?.[1] ? Number(match[1]) : undefined;
}

/**
 * Gemini counts thinking apart from the answer; OpenAI's `completion_tokens` includes reasoning tokens and repeats
 * them in `completion_tokens_details`. Tool-use prompt tokens are prompt tokens.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
function toOpenAIUsage(usage: GoogleUsage): CompletionUsage {
  const promptTokens = (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  const reasoningTokens = usage.thoughtsTokenCount ?? 0;
  const completionTokens = (usage.candidatesTokenCount ?? 0) + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedContentTokenCount ?? 0 },
    ...(reasoningTokens > 0 ? { completion_tokens_details: { reasoning_tokens: reasoningTokens } } : {}),
  };
}
