import type { IncomingMessage, ServerResponse } from 'node:http';
import { delay } from './http/delay.js';
import { parseJson, readRequestBody, type ParsedJson } from './http/read-request-body.js';
import { pathWithoutKey, recordHeaders } from './http/record-headers.js';
import { writeJsonReply, writeStreamReply } from './http/write-reply.js';
import type { Injection } from './injection.js';
import { keyFailureOf } from './key-failure-marker.js';
import { isRecord } from './json/json-readers.js';
import type { AnswerSettings, ProviderApi, ProviderEndpoint, ProviderReply } from './providers/provider-api.js';
import type { RecordedRequest } from './recorded-request.js';
import type { StandInState } from './stand-in-state.js';

/** What the pipeline needs from the running server. */
export interface PipelineContext {
  readonly state: StandInState;
  readonly latencyMs: number;
  readonly chunkDelayMs: number;
  readonly answerSettings: AnswerSettings;
  /** True while the server shuts down, so the connections it cuts are not counted as client aborts. */
  readonly isClosing: () => boolean;
}

/** Where a request went: the full path, the part after the provider prefix, and the query. */
export interface RequestTarget {
  readonly path: string;
  readonly providerPath: string;
  readonly query: URLSearchParams;
}

/**
 * Serves one request to a provider stand-in: records it, waits out latency,
 * applies the next injection, checks the key the provider's way, then sends
 * the provider's answer as JSON or as a stream.
 */
export async function handleProviderRequest(
  api: ProviderApi,
  request: IncomingMessage,
  response: ServerResponse,
  target: RequestTarget,
  context: PipelineContext,
): Promise<void> {
  const method = request.method ?? 'GET';
  const endpoint = api.matchEndpoint(method, target.providerPath, target.query);
  const rawBody = method === 'GET' || method === 'HEAD' ? '' : await readRequestBody(request);
  const parsed = rawBody === '' ? null : parseJson(rawBody);
  const body = parsed?.ok === true ? parsed.value : null;
  const apiKey = api.readApiKey(request.headers, target.query);
  const { model, stream } = endpoint === null ? { model: null, stream: false } : api.describe(endpoint, body);

  const recorded: RecordedRequest = {
    provider: api.provider,
    method,
    path: pathWithoutKey(target.path, target.query),
    apiKey,
    model,
    stream,
    body,
    headers: recordHeaders(request.headers),
    receivedAt: Date.now(),
    clientAborted: false,
  };
  context.state.record(recorded);

  let clientGone = false;
  let droppedByUs = false;
  response.on('close', () => {
    clientGone = true;
    if (!response.writableFinished && !droppedByUs && !context.isClosing()) context.state.markAborted(recorded);
  });

  if (context.latencyMs > 0) await delay(context.latencyMs);
  const injection = context.state.takeInjection(api.provider, apiKey);
  if (injection?.delayMs !== undefined && injection.delayMs > 0) await delay(injection.delayMs);
  if (clientGone || injection?.hang === true) return;
  if (injection?.destroy === true) {
    droppedByUs = true;
    request.socket.destroy();
    return;
  }
  if (injection?.status !== undefined) {
    writeInjectedStatus(api, response, injection, { model, apiKey, status: injection.status });
    return;
  }

  const reply = decideReply(api, { method, endpoint, target, request, apiKey, parsed, body, context });
  const extraHeaders = injection?.headers ?? {};
  if (reply.kind === 'json') {
    writeJsonReply(response, reply, extraHeaders);
    return;
  }
  await writeStreamReply(
    response,
    { ...reply, headers: { ...reply.headers, ...extraHeaders } },
    {
      chunkDelayMs: context.chunkDelayMs,
      errorAfterEvents: injection?.streamErrorAfterChunks ?? null,
      stallAfterEvents: injection?.stallAfterChunks ?? null,
      errorEvent: api.midStreamErrorEvent(endpoint, injection?.streamErrorAfterChunks ?? 0),
      isClientGone: () => clientGone,
    },
  );
}

function writeInjectedStatus(
  api: ProviderApi,
  response: ServerResponse,
  injection: Injection,
  failure: { model: string | null; apiKey: string | null; status: number },
): void {
  const reply = api.failureReply({ kind: 'injected-status', ...failure });
  const body = injection.echoApiKey === true ? withEchoedKey(injection.body ?? reply.body, failure.apiKey) : (injection.body ?? reply.body);
  writeJsonReply(response, { ...reply, status: failure.status, body }, injection.headers ?? {});
}

/** Every provider's error body has `error.message`: the key goes at its end, unmasked, as a careless proxy writes it. */
function withEchoedKey(body: unknown, apiKey: string | null): unknown {
  const echo = `Key received: ${apiKey ?? '(none)'}`;
  if (typeof body === 'string') return `${body} ${echo}`;
  if (isRecord(body) && isRecord(body['error'])) {
    const error = body['error'];
    const message = typeof error['message'] === 'string' ? error['message'] : '';
    return { ...body, error: { ...error, message: `${message} ${echo}`.trim() } };
  }
  return { error: { message: echo } };
}

interface ReplyInputs {
  readonly method: string;
  readonly endpoint: ProviderEndpoint | null;
  readonly target: RequestTarget;
  readonly request: IncomingMessage;
  readonly apiKey: string | null;
  readonly parsed: ParsedJson | null;
  readonly body: unknown;
  readonly context: PipelineContext;
}

/** The checks run in the order the real APIs appear to run them: route, key, required headers, JSON, then the body. */
function decideReply(api: ProviderApi, inputs: ReplyInputs): ProviderReply {
  const { method, endpoint, target, request, apiKey, parsed, context } = inputs;
  if (endpoint === null) return api.failureReply({ kind: 'route-not-found', method, path: target.providerPath });
  if (apiKey === null) return api.failureReply({ kind: 'missing-api-key' });
  const keyFailure = keyFailureOf(apiKey);
  if (keyFailure !== null) return api.failureReply({ kind: 'key-failure', failure: keyFailure, apiKey, model: api.describe(endpoint, inputs.body).model });
  if (!context.state.acceptsKey(api.provider, apiKey)) return api.failureReply({ kind: 'invalid-api-key', apiKey });
  const headerProblem = api.checkRequiredHeaders(request.headers);
  if (headerProblem !== null) return headerProblem;
  if (method === 'POST' && parsed === null) return api.failureReply({ kind: 'invalid-json', detail: 'Unexpected end of JSON input' });
  if (parsed !== null && !parsed.ok) return api.failureReply({ kind: 'invalid-json', detail: parsed.detail });
  return api.answer(endpoint, inputs.body, context.answerSettings);
}
