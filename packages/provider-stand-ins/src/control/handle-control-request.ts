import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, readRequestBody } from '../http/read-request-body.js';
import { parseInjection, type Injection } from '../injection.js';
import { isRecord } from '../json/json-readers.js';
import { isStandInProvider, type StandInProvider } from '../provider-id.js';
import { toPublicRecordedRequest } from '../recorded-request.js';
import type { StandInState } from '../stand-in-state.js';

/** Path prefix of the control API; no provider path starts with it. */
export const CONTROL_PREFIX = '/__stand-ins';

/**
 * The HTTP control API for out-of-process users (Playwright, the benchmark):
 *
 * - `GET  /__stand-ins/health`            → `{ status: "ok", baseUrls }`
 * - `GET  /__stand-ins/requests[?provider=openai]` → `{ requests, aborted }`, keys as `apiKeyLast4`
 * - `POST /__stand-ins/reset`             → forget recordings, injections and the abort count
 * - `POST /__stand-ins/inject`            → body: one injection or an array of them
 * - `PUT  /__stand-ins/keys/:provider`    → body: `{ "keys": [...] }` or a bare array
 */
export async function handleControlRequest(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  query: URLSearchParams,
  control: { readonly state: StandInState; readonly baseUrls: Readonly<Record<StandInProvider, string>> },
): Promise<void> {
  const method = request.method ?? 'GET';
  const route = path.slice(CONTROL_PREFIX.length);
  const { state } = control;

  if (method === 'GET' && route === '/health') return sendJson(response, 200, { status: 'ok', baseUrls: control.baseUrls });

  if (method === 'GET' && route === '/requests') {
    const provider = query.get('provider');
    if (provider !== null && !isStandInProvider(provider)) return sendProblem(response, 400, `Unknown provider '${provider}'.`);
    const requests = state.requests().filter((recorded) => provider === null || recorded.provider === provider);
    return sendJson(response, 200, { requests: requests.map(toPublicRecordedRequest), aborted: state.aborted });
  }

  if (method === 'POST' && route === '/reset') {
    state.reset();
    return sendJson(response, 200, { reset: true });
  }

  if (method === 'POST' && route === '/inject') {
    const body = await readJsonBody(request);
    if (!body.ok) return sendProblem(response, 400, body.problem);
    const candidates = Array.isArray(body.value) ? body.value : [body.value];
    const injections: Injection[] = [];
    for (const candidate of candidates) {
      const injection = parseInjection(candidate);
      if (typeof injection === 'string') return sendProblem(response, 400, injection);
      injections.push(injection);
    }
    for (const injection of injections) state.inject(injection);
    return sendJson(response, 200, { queued: injections.length, pending: state.pendingInjections() });
  }

  const keysMatch = /^\/keys\/([^/]+)$/.exec(route);
  if (method === 'PUT' && keysMatch?.[1] !== undefined) {
    const provider = decodeURIComponent(keysMatch[1]);
    if (!isStandInProvider(provider)) return sendProblem(response, 400, `Unknown provider '${provider}'.`);
    const body = await readJsonBody(request);
    if (!body.ok) return sendProblem(response, 400, body.problem);
    const keys = Array.isArray(body.value) ? body.value : isRecord(body.value) ? body.value['keys'] : undefined;
    if (!Array.isArray(keys) || !keys.every((key): key is string => typeof key === 'string')) {
      return sendProblem(response, 400, "Send { \"keys\": [\"...\"] } or a JSON array of strings.");
    }
    state.setKeys(provider, keys);
    return sendJson(response, 200, { provider, keys: keys.length });
  }

  return sendProblem(response, 404, `No control endpoint ${method} ${path}.`);
}

async function readJsonBody(request: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; problem: string }> {
  const parsed = parseJson(await readRequestBody(request));
  return parsed.ok ? parsed : { ok: false, problem: `Body is not valid JSON: ${parsed.detail}` };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

function sendProblem(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { error: { message } });
}
