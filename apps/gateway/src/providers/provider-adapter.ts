import type {
  ChatCompletion,
  ChatCompletionCreateParams,
  KeySource,
  ProviderId,
} from '@uniroute/shared';
import type { GatewayError } from '../common/errors/gateway-error.js';

/** What an adapter needs to address the upstream for one request. Never logged: it holds the key. */
export interface UpstreamContext {
  /** The provider credential in plaintext, on its way to the provider. */
  readonly apiKey: string;
  /** Where the key came from, so upstream auth errors can say whose key was rejected. */
  readonly keySource: KeySource;
  /** Base URL in the provider SDK's own convention (OpenAI's includes `/v1`; Anthropic's and Google's are the origin). */
  readonly baseUrl: string;
  /** The caller's remembered Gemini thought signatures; absent in fixture tests, where nothing is remembered. */
  readonly thoughtSignatures?: ThoughtSignatureMemory;
}

/**
 * Gemini thought signatures by tool-call id, scoped to one caller, so a client that drops unknown fields from its
 * history still sends Gemini the signatures it issued. `recall` never sees another caller's entries.
 */
export interface ThoughtSignatureMemory {
  remember(toolCallId: string, signature: string): void;
  recall(toolCallId: string): string | undefined;
}

/** What reading an answer may use from the request's context (only the caller's signature memory). */
export type ResponseContext = Pick<UpstreamContext, 'thoughtSignatures'>;

/** What an adapter may know about a failed upstream call besides its status and body. */
export interface UpstreamErrorContext extends Pick<UpstreamContext, 'keySource'> {
  /**
   * The upstream response headers, names in lower case. Optional so callers that have none can omit it;
   * adapters copy rate-limit hints (`retry-after`, `retry-after-ms`) from it onto the `GatewayError`.
   */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The exact secrets to mask in the provider's message (the key used, the server keys): masked before the message
   * is shortened, so a key of any shape straddling the cut cannot leave its first part behind.
   */
  readonly exactSecrets?: readonly string[];
}

/** The model as the provider knows it (any `provider/` prefix stripped). */
export interface ResolvedModel {
  readonly model: string;
}

/** One HTTP request to the provider; the router sends it through the pooled upstream client. */
export interface UpstreamRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** One parsed server-sent event from the upstream stream. */
export interface SseEvent {
  /** The `event:` field, when the provider sends one (Anthropic does, OpenAI and Gemini do not). */
  readonly event?: string;
  readonly data: string;
}

/**
 * The request the router hands to an adapter: validated, with `model` already stripped of its prefix. Besides
 * OpenAI's fields it may carry a provider's native reasoning settings, which win over `reasoning_effort`.
 */
export type ChatRequest = ChatCompletionCreateParams & {
  /** Anthropic's `thinking` parameter, sent to Anthropic unchanged. */
  thinking?: Record<string, unknown>;
  /** Gemini's `generationConfig.thinkingConfig`, sent to Gemini unchanged. */
  thinkingConfig?: Record<string, unknown>;
};

/**
 * A provider adapter is a pure translator between OpenAI's Chat Completions API and one
 * provider's native API. HTTP, timeouts, credentials and logging live in the router.
 */
export interface ProviderAdapter<TStreamState = unknown> {
  readonly id: ProviderId;

  /**
   * `true` when the native wire format already is OpenAI's: the router then relays the upstream
   * body and stream bytes as they are, with no parse and no re-serialisation.
   */
  readonly passthrough: boolean;

  /** The native request for a chat completion (JSON or streaming, per `request.stream`). */
  toUpstreamRequest(request: ChatRequest, context: UpstreamContext): UpstreamRequest;

  /** The native non-streaming response body (parsed JSON) as an OpenAI `chat.completion`. */
  fromUpstreamResponse(body: unknown, request: ChatRequest, context?: ResponseContext): ChatCompletion;

  /** Fresh per-stream state (ids, tool-call indexes, usage so far). */
  createStreamState(request: ChatRequest, context?: ResponseContext): TStreamState;

  /**
   * One native stream event as zero or more OpenAI `chat.completion.chunk` objects, each already
   * serialised as JSON text for a `data:` line. Returns `[]` for events with nothing to say (pings).
   * Throws a `GatewayError` for an in-stream error event.
   */
  fromUpstreamEvent(event: SseEvent, state: TStreamState): string[];

  /** Chunks still owed when the upstream stream ends (e.g. the usage chunk). Usually `[]`. */
  finishStream(state: TStreamState): string[];

  /**
   * An upstream error response as a client-safe `GatewayError` keeping the upstream status. `body` is the
   * parsed JSON, or the raw text when the upstream did not send JSON; adapters accept both.
   */
  toGatewayError(status: number, body: unknown, context: UpstreamErrorContext): GatewayError;

  /** The provider's free authenticated list-models call (used by test-connection and `/v1/models`). */
  listModelsRequest(context: UpstreamContext): UpstreamRequest;

  /** Model ids out of the list-models response. */
  fromModelsResponse(body: unknown): string[];
}
