import { InjectionQueue, type Injection } from './injection.js';
import { STAND_IN_PROVIDERS, type StandInProvider } from './provider-id.js';
import type { RecordedRequest } from './recorded-request.js';

/**
 * Everything the stand-ins remember between requests: accepted keys, the
 * recording, pending injections and the abort count. One instance per server;
 * both the in-process API and the HTTP control endpoints work on it.
 */
export class StandInState {
  private readonly recorded: RecordedRequest[] = [];
  private readonly acceptedKeys = new Map<StandInProvider, ReadonlySet<string>>();
  private readonly injections = new InjectionQueue();
  private abortedCount = 0;
  private readonly abortWaiters = new Set<() => void>();

  constructor(
    keys: Readonly<Record<StandInProvider, readonly string[]>>,
    /** Oldest recordings are dropped past this, so a long benchmark cannot exhaust memory. */
    private readonly maxRecordedRequests: number,
  ) {
    for (const provider of STAND_IN_PROVIDERS) this.setKeys(provider, keys[provider]);
  }

  record(request: RecordedRequest): void {
    this.recorded.push(request);
    if (this.recorded.length > this.maxRecordedRequests) this.recorded.shift();
  }

  requests(): RecordedRequest[] {
    return [...this.recorded];
  }

  keysSeen(provider: StandInProvider): string[] {
    return this.recorded
      .filter((request) => request.provider === provider && request.apiKey !== null)
      .map((request) => request.apiKey as string);
  }

  setKeys(provider: StandInProvider, keys: readonly string[]): void {
    this.acceptedKeys.set(provider, new Set(keys));
  }

  acceptsKey(provider: StandInProvider, key: string): boolean {
    return this.acceptedKeys.get(provider)?.has(key) ?? false;
  }

  inject(injection: Injection): void {
    this.injections.add(injection);
  }

  takeInjection(provider: StandInProvider, apiKey: string | null = null): Injection | null {
    return this.injections.take(provider, apiKey);
  }

  pendingInjections(): number {
    return this.injections.pendingCount();
  }

  markAborted(request: RecordedRequest): void {
    request.clientAborted = true;
    this.abortedCount += 1;
    for (const wake of this.abortWaiters) wake();
  }

  get aborted(): number {
    return this.abortedCount;
  }

  /** Resolves once at least `count` requests were aborted by their clients; rejects after `timeoutMs`. */
  whenAborted(count: number, timeoutMs: number): Promise<void> {
    if (this.abortedCount >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        if (this.abortedCount < count) return;
        finish();
        resolve();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`Expected ${count} aborted request(s) within ${timeoutMs} ms, saw ${this.abortedCount}.`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.abortWaiters.delete(wake);
      };
      this.abortWaiters.add(wake);
    });
  }

  /** Forgets recordings, injections and the abort count; accepted keys stay. */
  reset(): void {
    this.recorded.length = 0;
    this.injections.clear();
    this.abortedCount = 0;
  }
}
