import { DEFAULT_STAND_IN_KEYS } from './default-keys.js';
import { STAND_IN_PROVIDERS, type StandInProvider } from './provider-id.js';

/** How to start the stand-ins; every field is optional. */
export interface StandInOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Defaults to 127.0.0.1; the stand-ins are never meant to face a network. */
  readonly host?: string;
  /** Accepted keys per provider; a provider left out accepts its DEFAULT_STAND_IN_KEYS. */
  readonly keys?: Partial<Record<StandInProvider, readonly string[]>>;
  /** Wait before answering any provider request. Default 0. */
  readonly latencyMs?: number;
  /** Wait between SSE events of a stream. Default 0 (the whole stream in one write). */
  readonly chunkDelayMs?: number;
  /** Pieces a streamed text or tool-argument JSON is cut into. Default 4. */
  readonly streamChunks?: number;
  /** Recordings kept before the oldest are dropped. Default 10 000. */
  readonly maxRecordedRequests?: number;
}

/** The options with every default filled in. */
export interface ResolvedStandInOptions {
  readonly port: number;
  readonly host: string;
  readonly keys: Readonly<Record<StandInProvider, readonly string[]>>;
  readonly latencyMs: number;
  readonly chunkDelayMs: number;
  readonly streamChunks: number;
  readonly maxRecordedRequests: number;
}

export function resolveStandInOptions(options: StandInOptions): ResolvedStandInOptions {
  const keys = Object.fromEntries(
    STAND_IN_PROVIDERS.map((provider) => [provider, options.keys?.[provider] ?? DEFAULT_STAND_IN_KEYS[provider]]),
  ) as Record<StandInProvider, readonly string[]>;
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    keys,
    latencyMs: nonNegative(options.latencyMs, 0),
    chunkDelayMs: nonNegative(options.chunkDelayMs, 0),
    streamChunks: Math.max(1, Math.floor(options.streamChunks ?? 4)),
    maxRecordedRequests: Math.max(1, Math.floor(options.maxRecordedRequests ?? 10_000)),
  };
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, value);
}
