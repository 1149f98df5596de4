import type { KeyFailure } from '../key-failure-marker.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { SignatureLedger } from '../conversation/signature-ledger.js';
import type { StandInProvider } from '../provider-id.js';

/** What a request asks a provider stand-in for, read from its method and path. */
export type ProviderEndpoint =
  | {
      readonly operation: 'chat';
      /** Set when the path names the model (Gemini); otherwise the body does. */
      readonly pathModel: string | null;
      /** Set when the path decides streaming (Gemini); otherwise the body does. */
      readonly pathStream: boolean | null;
    }
  | { readonly operation: 'list-models' }
  | { readonly operation: 'get-model'; readonly pathModel: string }
  /** OpenAI `POST /v1/embeddings` (model in the body), Gemini `:embedContent` / `:batchEmbedContents` (model in the path). */
  | { readonly operation: 'embed'; readonly pathModel: string | null; readonly batch: boolean }
  /** OpenAI's Responses API. */
  | { readonly operation: 'create-response' }
  /** `?stream=true` replays the stored events after `?starting_after=`. */
  | { readonly operation: 'get-response'; readonly responseId: string; readonly stream: boolean; readonly startingAfter: number | null }
  | { readonly operation: 'delete-response'; readonly responseId: string };

/** A complete JSON answer. */
export interface JsonReply {
  readonly kind: 'json';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** A 200 server-sent-events answer, already cut into the exact bytes of each event. */
export interface StreamReply {
  readonly kind: 'stream';
  readonly headers: Readonly<Record<string, string>>;
  readonly events: readonly string[];
}

export type ProviderReply = JsonReply | StreamReply;

/** Failures every provider answers in its own shape, decided before its chat logic runs. */
export type StandInFailure =
  | { readonly kind: 'missing-api-key' }
  | { readonly kind: 'invalid-api-key'; readonly apiKey: string }
  | { readonly kind: 'invalid-json'; readonly detail: string }
  | { readonly kind: 'route-not-found'; readonly method: string; readonly path: string }
  /** A key marked `stand-in-fail-<status>` (see key-failure-marker.ts): the provider's answer for that key problem. */
  | { readonly kind: 'key-failure'; readonly failure: KeyFailure; readonly apiKey: string; readonly model: string | null }
  | {
      readonly kind: 'injected-status';
      readonly status: number;
      readonly model: string | null;
      readonly apiKey: string | null;
    };

/** Settings that shape answers. */
export interface AnswerSettings {
  /** How many pieces a streamed text (or tool-argument JSON) is cut into. */
  readonly streamChunks: number;
  /** The reasoning signatures this server issued, checked when a conversation sends them back. */
  readonly signatures: SignatureLedger;
  /** Stored Responses API objects by id (OpenAI keeps them for `GET`/`DELETE /v1/responses/{id}`); reset with the recording. */
  readonly storedResponses: Map<string, StoredResponse>;
}

/** A stored Responses API object and the events its stream sent (replayed by `GET …?stream=true`). */
export interface StoredResponse {
  readonly response: Record<string, unknown>;
  readonly events: readonly Record<string, unknown>[];
}

/**
 * One provider's wire format. Implementations are pure translators: they read
 * requests and build replies, and the request pipeline does all I/O, timing,
 * recording and injection.
 */
export interface ProviderApi {
  readonly provider: StandInProvider;
  /** Path prefix the provider lives under, e.g. `/openai`. */
  readonly pathPrefix: string;
  /** `path` is what follows the prefix, e.g. `/v1/chat/completions`. */
  matchEndpoint(method: string, path: string, query: URLSearchParams): ProviderEndpoint | null;
  readApiKey(headers: IncomingHttpHeaders, query: URLSearchParams): string | null;
  /** A header the provider insists on (Anthropic's `anthropic-version`), checked after the key. */
  checkRequiredHeaders(headers: IncomingHttpHeaders): JsonReply | null;
  /** Model and stream flag of a request, for the recording. */
  describe(endpoint: ProviderEndpoint, body: unknown): { model: string | null; stream: boolean };
  failureReply(failure: StandInFailure): JsonReply;
  /** The provider's error event for a stream of `endpoint` that breaks after `eventsSent` events. */
  midStreamErrorEvent(endpoint: ProviderEndpoint | null, eventsSent: number): string;
  answer(endpoint: ProviderEndpoint, body: unknown, settings: AnswerSettings): ProviderReply;
}
