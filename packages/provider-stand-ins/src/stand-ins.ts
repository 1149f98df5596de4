import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTROL_PREFIX, handleControlRequest } from './control/handle-control-request.js';
import { SignatureLedger } from './conversation/signature-ledger.js';
import { handleProviderRequest, type PipelineContext } from './handle-provider-request.js';
import { parseInjection, type Injection } from './injection.js';
import { STAND_IN_PROVIDERS, type StandInProvider } from './provider-id.js';
import { anthropicApi } from './providers/anthropic/anthropic-api.js';
import { geminiApi } from './providers/google/gemini-api.js';
import { openAIApi } from './providers/openai/openai-api.js';
import type { ProviderApi } from './providers/provider-api.js';
import type { RecordedRequest } from './recorded-request.js';
import { StandInState } from './stand-in-state.js';
import { resolveStandInOptions, type StandInOptions } from './stand-in-options.js';

const PROVIDER_APIS: readonly ProviderApi[] = [openAIApi, anthropicApi, geminiApi];

/** Base URL paths in each official SDK's convention (OpenAI's includes `/v1`; the others are origin-like). */
const BASE_URL_PATHS: Readonly<Record<StandInProvider, string>> = {
  openai: '/openai/v1',
  anthropic: '/anthropic',
  google: '/google',
};

/** A running set of provider stand-ins on one port. */
export interface StandIns {
  readonly port: number;
  readonly host: string;
  /** `http://host:port` */
  readonly origin: string;
  /** The base URL to give each provider's SDK (or UniRoute's `*_BASE_URL`). */
  readonly baseUrls: Readonly<Record<StandInProvider, string>>;
  /** Every provider request so far, oldest first (a copy). */
  readonly requests: readonly RecordedRequest[];
  /** How many provider requests the client abandoned before the response ended. */
  readonly aborted: number;
  /** The keys a provider's requests carried, in order (requests without a key are skipped). */
  keysSeen(provider: StandInProvider): string[];
  /** Forget recordings, pending injections and the abort count. Accepted keys stay. */
  reset(): void;
  /** Replace the keys a provider accepts; an empty list rejects every key. */
  setKeys(provider: StandInProvider, keys: readonly string[]): void;
  /** Make the next `times` (default 1) requests to a provider misbehave. Throws on an invalid injection. */
  inject(injection: Injection): void;
  /** Resolves once at least `count` (default 1) requests were aborted by their clients. */
  whenAborted(count?: number, timeoutMs?: number): Promise<void>;
  /** Stop listening and cut every open connection, hanging requests included. */
  close(): Promise<void>;
}

/** Starts the OpenAI, Anthropic and Gemini stand-ins on one port. */
export async function startStandIns(options: StandInOptions = {}): Promise<StandIns> {
  const resolved = resolveStandInOptions(options);
  const state = new StandInState(resolved.keys, resolved.maxRecordedRequests);
  let closing = false;
  let baseUrls: Record<StandInProvider, string> = { openai: '', anthropic: '', google: '' };
  const context: PipelineContext = {
    state,
    latencyMs: resolved.latencyMs,
    chunkDelayMs: resolved.chunkDelayMs,
    answerSettings: { streamChunks: resolved.streamChunks, signatures: new SignatureLedger(), storedResponses: state.storedResponses },
    isClosing: () => closing,
  };

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    if (path.startsWith(`${CONTROL_PREFIX}/`)) {
      await handleControlRequest(request, response, path, query, { state, baseUrls });
      return;
    }
    const api = PROVIDER_APIS.find((candidate) => path === candidate.pathPrefix || path.startsWith(`${candidate.pathPrefix}/`));
    if (api === undefined) {
      const payload = JSON.stringify({ error: { message: `No stand-in at ${path}. Use /openai/v1, /anthropic or /google.` } });
      response.writeHead(404, { 'content-type': 'application/json' }).end(payload);
      return;
    }
    await handleProviderRequest(api, request, response, { path, providerPath: path.slice(api.pathPrefix.length), query }, context);
  };

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      // A stand-in bug must fail the one request, never the process under test.
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Stand-in failure: ${message}` } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const origin = `http://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`;
  baseUrls = Object.fromEntries(STAND_IN_PROVIDERS.map((provider) => [provider, `${origin}${BASE_URL_PATHS[provider]}`])) as Record<
    StandInProvider,
    string
  >;
  const frozenBaseUrls = Object.freeze({ ...baseUrls });

  return {
    port,
    host: resolved.host,
    origin,
    baseUrls: frozenBaseUrls,
    get requests() {
      return state.requests();
    },
    get aborted() {
      return state.aborted;
    },
    keysSeen: (provider) => state.keysSeen(provider),
    reset: () => state.reset(),
    setKeys: (provider, keys) => state.setKeys(provider, keys),
    inject: (injection) => {
      const checked = parseInjection(injection);
      if (typeof checked === 'string') throw new Error(`Invalid injection: ${checked}`);
      state.inject(checked);
    },
    whenAborted: (count = 1, timeoutMs = 2000) => state.whenAborted(count, timeoutMs),
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
