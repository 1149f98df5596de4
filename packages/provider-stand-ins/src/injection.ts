import { isRecord, type JsonRecord } from './json/json-readers.js';
import { isStandInProvider, type StandInProvider } from './provider-id.js';

/**
 * A misbehaviour for the next `times` requests to one provider (any endpoint of
 * it). Without `status`, `hang` or `destroy`, the normal answer is sent, only
 * delayed and/or broken mid-stream.
 */
export interface Injection {
  readonly provider: StandInProvider;
  /** Answer with this status instead. */
  readonly status?: number;
  /** Body for `status`; defaults to the provider's own error body for that status. */
  readonly body?: unknown;
  /** Extra response headers, e.g. `retry-after-ms`; they override the defaults. */
  readonly headers?: Readonly<Record<string, string>>;
  /** How many requests this applies to; 1 by default. */
  readonly times?: number;
  /** Wait this long before answering (on top of `latencyMs`). */
  readonly delayMs?: number;
  /** Never answer; the client has to give up. */
  readonly hang?: boolean;
  /** Drop the connection without any response. */
  readonly destroy?: boolean;
  /** For streamed answers: after this many SSE events, send the provider's mid-stream error and end. */
  readonly streamErrorAfterChunks?: number;
  /** Only requests carrying exactly this key are affected (and count towards `times`); others pass it by. */
  readonly apiKey?: string;
  /**
   * With `status`: the error message quotes the key the request carried, verbatim, as some OpenAI-compatible
   * proxies (Azure, vLLM, LiteLLM) do. A gateway must mask it before anyone sees it.
   */
  readonly echoApiKey?: boolean;
}

/** Checks an injection from untrusted input; returns an error message or the injection. */
export function parseInjection(value: unknown): Injection | string {
  if (!isRecord(value)) return 'An injection must be a JSON object.';
  if (!isStandInProvider(value['provider'])) return "'provider' must be one of openai, anthropic, google.";
  const problems = [
    checkInteger(value, 'status', 100, 599),
    checkInteger(value, 'times', 1, Number.MAX_SAFE_INTEGER),
    checkInteger(value, 'delayMs', 0, Number.MAX_SAFE_INTEGER),
    checkInteger(value, 'streamErrorAfterChunks', 0, Number.MAX_SAFE_INTEGER),
    checkBoolean(value, 'hang'),
    checkBoolean(value, 'destroy'),
    checkBoolean(value, 'echoApiKey'),
    value['apiKey'] === undefined || (typeof value['apiKey'] === 'string' && value['apiKey'] !== '') ? null : "'apiKey' must be a non-empty string.",
    checkHeaders(value),
  ].filter((problem): problem is string => problem !== null);
  if (problems.length > 0) return problems.join(' ');
  return value as unknown as Injection;
}

function checkInteger(record: JsonRecord, key: string, minimum: number, maximum: number): string | null {
  const value = record[key];
  if (value === undefined) return null;
  const valid = typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= maximum;
  return valid ? null : `'${key}' must be an integer from ${minimum} to ${maximum}.`;
}

function checkBoolean(record: JsonRecord, key: string): string | null {
  const value = record[key];
  return value === undefined || typeof value === 'boolean' ? null : `'${key}' must be a boolean.`;
}

function checkHeaders(record: JsonRecord): string | null {
  const headers = record['headers'];
  if (headers === undefined) return null;
  const valid = isRecord(headers) && Object.values(headers).every((value) => typeof value === 'string');
  return valid ? null : "'headers' must be an object of string values.";
}

/** Pending injections per provider, consumed one request at a time in the order they were added. */
export class InjectionQueue {
  private readonly pending = new Map<StandInProvider, { injection: Injection; remaining: number }[]>();

  add(injection: Injection): void {
    const queue = this.pending.get(injection.provider) ?? [];
    queue.push({ injection, remaining: injection.times ?? 1 });
    this.pending.set(injection.provider, queue);
  }

  /** The injection for the next request to `provider` (carrying `apiKey`), if any, counting it as used. */
  take(provider: StandInProvider, apiKey: string | null = null): Injection | null {
    const queue = this.pending.get(provider);
    if (queue === undefined) return null;
    const index = queue.findIndex((entry) => entry.injection.apiKey === undefined || entry.injection.apiKey === apiKey);
    const next = queue[index];
    if (next === undefined) return null;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.splice(index, 1);
    return next.injection;
  }

  pendingCount(): number {
    let count = 0;
    for (const queue of this.pending.values()) for (const entry of queue) count += entry.remaining;
    return count;
  }

  clear(): void {
    this.pending.clear();
  }
}
