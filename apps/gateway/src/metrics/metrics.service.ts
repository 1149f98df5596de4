import { Injectable } from '@nestjs/common';
import type { KeySource, ProviderId } from '@uniroute/shared';
import { PROVIDER_IDS } from '@uniroute/shared';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ModelLabels } from './model-label.js';
import type { TokenUsage } from '../usage/token-usage.js';

/** The per-process caches whose hit ratio is exported. */
export type CacheName = 'api_key' | 'provider_credential';

/** The label of a request that was refused before it was routed (bad body, unknown model, no key). */
export const NOT_ROUTED = 'none';

/** nginx's "client closed request": the caller went away before the answer was complete. */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * One `POST /v1/chat/completions` as it is measured: the router fills the fields as it learns
 * them, and `recordChatCompletion` counts it once, whatever happened.
 */
export interface ChatCompletionOutcome {
  readonly startedAt: number;
  /** `Date.now()` at the start: when the usage log says the request happened. */
  readonly startedAtWall: number;
  provider: ProviderId | typeof NOT_ROUTED;
  /** The resolved model name (prefix stripped), before normalisation. */
  model: string;
  keySource: KeySource | typeof NOT_ROUTED;
  stream: boolean;
  /** The HTTP status the caller got, or the error status written into an SSE stream, or 499. */
  status: number;
  /** For the usage log (§10): the stored key's id, `server` or `request`. */
  keyId?: string;
  /** For the usage log: what the provider reported (left unset where the route has no tokens to meter). */
  tokens?: TokenUsage;
  /** For the usage log: `performance.now()` when a stream's first chunk went to the client. */
  firstByteAt?: number;
  /** For the usage log: the error's code from the gateway's list (never its message). */
  errorType?: string;
}

/** The OpenAI endpoints besides chat completions that the gateway serves (§11). */
export type GatewayEndpoint = 'embeddings' | 'responses';
const GATEWAY_ENDPOINTS: readonly GatewayEndpoint[] = ['embeddings', 'responses'];

/** One request to a {@link GatewayEndpoint}, measured like a chat completion. */
export interface EndpointOutcome extends ChatCompletionOutcome {
  readonly endpoint: GatewayEndpoint;
}

const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const PROVIDER_LABELS = [...PROVIDER_IDS, NOT_ROUTED] as const;
const CACHE_NAMES: readonly CacheName[] = ['api_key', 'provider_credential'];

/** Why an abuse limit refused a request (a label value: never a user id). */
export type LimitReason = 'server_key_rpm' | 'server_key_rpm_unavailable' | 'max_inflight' | 'provider_key_tests' | 'overloaded' | 'api_key_failures';
const LIMIT_REASONS: readonly LimitReason[] = ['server_key_rpm', 'server_key_rpm_unavailable', 'max_inflight', 'provider_key_tests', 'overloaded', 'api_key_failures'];

/** Why a usage record never reached the database: the queue was full (a stalled database), or its batch failed. */
export type UsageDropReason = 'queue_full' | 'write_failed';
const USAGE_DROP_REASONS: readonly UsageDropReason[] = ['queue_full', 'write_failed'];
const TOKEN_KINDS = ['prompt', 'completion', 'cached'] as const;

/** Process metrics (CPU, memory, event loop, GC) are the process's, not an app's: collected once. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

interface RequestSeries {
  readonly labels: { provider: string; model: string; key_source: string; status: string };
  count: number;
}

interface EndpointSeries {
  readonly labels: { endpoint: string; provider: string; model: string; key_source: string; status: string };
  count: number;
}

/**
 * Prometheus metrics for `GET /metrics` (prom-client). The request path only bumps plain numbers
 * and Map entries; label objects are made once per series and prom-client sees the totals only
 * when scraped (`collect`). Label values come from small fixed sets, `model` from `ModelLabels`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests = new Map<string, RequestSeries>();
  private readonly endpointRequests = new Map<string, EndpointSeries>();
  private readonly models = new ModelLabels();
  private readonly cacheCounts: Record<CacheName, { hit: number; miss: number }> = {
    api_key: { hit: 0, miss: 0 },
    provider_credential: { hit: 0, miss: 0 },
  };
  private readonly limitRejections: Record<LimitReason, number> = { server_key_rpm: 0, server_key_rpm_unavailable: 0, max_inflight: 0, provider_key_tests: 0, overloaded: 0, api_key_failures: 0 };
  private inflightSource: () => number = () => 0;
  private usageQueueSource: () => number = () => 0;
  private readonly usageDrops: Record<UsageDropReason, number> = { queue_full: 0, write_failed: 0 };
  /** Tokens the providers reported, per provider: plain numbers on the request path, read when scraped. */
  private readonly tokenCounts = new Map<string, { prompt: number; completion: number; cached: number }>(PROVIDER_IDS.map((provider) => [provider, { prompt: 0, completion: 0, cached: 0 }]));
  private streamsStarted = 0;
  private streamsActive = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly requestDuration: Histogram<'provider' | 'stream'>;
  private readonly upstreamDuration: Histogram<'provider'>;
  /** Pre-made label objects: observing allocates nothing. */
  private readonly durationLabels = new Map<string, { provider: string; stream: string }>();
  private readonly providerLabels = new Map<string, { provider: string }>();
  private readonly endpointDuration: Histogram<'endpoint' | 'stream'>;
  private readonly endpointDurationLabels = new Map<string, { endpoint: string; stream: string }>();

  constructor() {
    for (const provider of PROVIDER_LABELS) {
      this.providerLabels.set(provider, { provider });
      for (const stream of ['true', 'false']) this.durationLabels.set(`${provider}|${stream}`, { provider, stream });
    }
    const requests = this.requests;
    new Counter({
      name: 'uniroute_requests_total',
      help: 'Chat completion requests (POST /v1/chat/completions) by provider, model, whose key (user|server) and HTTP status; "none" = refused before routing, 499 = the client went away.',
      labelNames: ['provider', 'model', 'key_source', 'status'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const series of requests.values()) this.inc(series.labels, series.count);
      },
    });
    this.requestDuration = new Histogram({
      name: 'uniroute_request_duration_seconds',
      help: 'Chat completion duration, from the request reaching the router to the last byte (streams: the whole stream).',
      labelNames: ['provider', 'stream'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.upstreamDuration = new Histogram({
      name: 'uniroute_upstream_duration_seconds',
      help: 'Time from sending a request upstream to the provider\'s response head.',
      labelNames: ['provider'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    const endpointRequests = this.endpointRequests;
    new Counter({
      name: 'uniroute_endpoint_requests_total',
      help: 'Requests to POST /v1/embeddings and /v1/responses (create, get, delete) by endpoint, provider, model, whose key and HTTP status, counted like uniroute_requests_total (which counts chat completions).',
      labelNames: ['endpoint', 'provider', 'model', 'key_source', 'status'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const series of endpointRequests.values()) this.inc(series.labels, series.count);
      },
    });
    for (const endpoint of GATEWAY_ENDPOINTS) {
      for (const stream of ['true', 'false']) this.endpointDurationLabels.set(`${endpoint}|${stream}`, { endpoint, stream });
    }
    this.endpointDuration = new Histogram({
      name: 'uniroute_endpoint_request_duration_seconds',
      help: 'Duration of embeddings and responses requests, from the router to the last byte (streams: the whole stream).',
      labelNames: ['endpoint', 'stream'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    const metrics = this;
    new Counter({
      name: 'uniroute_streams_total',
      help: 'SSE streams started.',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(metrics.streamsStarted);
      },
    });
    new Gauge({
      name: 'uniroute_streams_active',
      help: 'SSE streams open now.',
      registers: [this.registry],
      collect() {
        this.set(metrics.streamsActive);
      },
    });
    new Counter({
      name: 'uniroute_cache_lookups_total',
      help: 'Lookups in the per-process caches: hit ratio = hit / (hit + miss). api_key = UniRoute key → caller; provider_credential = user × provider → decrypted key.',
      labelNames: ['cache', 'result'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const cache of CACHE_NAMES) {
          this.inc({ cache, result: 'hit' }, metrics.cacheCounts[cache].hit);
          this.inc({ cache, result: 'miss' }, metrics.cacheCounts[cache].miss);
        }
      },
    });
    new Counter({
      name: 'uniroute_limit_rejections_total',
      help: 'Requests refused with 429 by the abuse limits (§12): server_key_rpm = SERVER_KEY_RPM, max_inflight = MAX_INFLIGHT_PER_USER, provider_key_tests = PROVIDER_KEY_TESTS_PER_HOUR, api_key_failures = API_KEY_FAILURES_PER_MINUTE.',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const reason of LIMIT_REASONS) this.inc({ reason }, metrics.limitRejections[reason]);
      },
    });
    new Counter({
      name: 'uniroute_tokens_total',
      help: 'Tokens the providers reported in their usage, per provider and kind (prompt includes cached; cached = prompt tokens read from the provider cache). All gateway routes: chat, native, embeddings, responses.',
      labelNames: ['provider', 'kind'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [provider, counts] of metrics.tokenCounts) for (const kind of TOKEN_KINDS) this.inc({ provider, kind }, counts[kind]);
      },
    });
    new Counter({
      name: 'uniroute_usage_records_dropped_total',
      help: 'Gateway requests missing from the usage log (§10): queue_full = USAGE_QUEUE_MAX records were already waiting for a stalled database; write_failed = their batch could not be written. The requests themselves were served.',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const reason of USAGE_DROP_REASONS) this.inc({ reason }, metrics.usageDrops[reason]);
      },
    });
    new Gauge({
      name: 'uniroute_usage_queue_length',
      help: 'Usage records waiting in memory to be written to the database.',
      registers: [this.registry],
      collect() {
        this.set(metrics.usageQueueSource());
      },
    });
    new Gauge({
      name: 'uniroute_inflight_requests',
      help: 'Gateway requests (API-key routes) in flight on this replica, all users together.',
      registers: [this.registry],
      collect() {
        this.set(metrics.inflightSource());
      },
    });
  }

  /** A request refused by one of the abuse limits. */
  limitRejected(reason: LimitReason): void {
    this.limitRejections[reason] += 1;
  }

  /** One request's reported tokens (no user in any label). */
  usageTokens(provider: ProviderId, usage: TokenUsage): void {
    const counts = this.tokenCounts.get(provider);
    if (!counts) return;
    counts.prompt += usage.promptTokens ?? 0;
    counts.completion += usage.completionTokens ?? 0;
    counts.cached += usage.cachedTokens ?? 0;
  }

  usageDropped(reason: UsageDropReason, count = 1): void {
    this.usageDrops[reason] += count;
  }

  /** Where the usage-queue gauge reads its value (the usage recorder). */
  observeUsageQueue(source: () => number): void {
    this.usageQueueSource = source;
  }

  /** Where the in-flight gauge reads its value (the in-flight limiter). */
  observeInflight(source: () => number): void {
    this.inflightSource = source;
  }

  /** A new outcome to fill in; `recordChatCompletion` closes it. */
  chatCompletionStarted(): ChatCompletionOutcome {
    return { startedAt: performance.now(), startedAtWall: Date.now(), provider: NOT_ROUTED, model: NOT_ROUTED, keySource: NOT_ROUTED, stream: false, status: 200 };
  }

  recordChatCompletion(outcome: ChatCompletionOutcome): void {
    const succeeded = outcome.status < 400;
    const model = outcome.provider === NOT_ROUTED ? NOT_ROUTED : this.models.get(outcome.model, succeeded);
    const key = `${outcome.provider}|${model}|${outcome.keySource}|${outcome.status}`;
    const series = this.requests.get(key);
    if (series) series.count += 1;
    else this.requests.set(key, { labels: { provider: outcome.provider, model, key_source: outcome.keySource, status: String(outcome.status) }, count: 1 });
    const labels = this.durationLabels.get(`${outcome.provider}|${outcome.stream}`);
    if (labels) this.requestDuration.observe(labels, (performance.now() - outcome.startedAt) / 1000);
  }

  /** A new outcome for an embeddings or responses request; `recordEndpoint` closes it. */
  endpointStarted(endpoint: GatewayEndpoint): EndpointOutcome {
    return { ...this.chatCompletionStarted(), endpoint };
  }

  recordEndpoint(outcome: EndpointOutcome): void {
    const succeeded = outcome.status < 400;
    const model = outcome.provider === NOT_ROUTED || outcome.model === NOT_ROUTED ? NOT_ROUTED : this.models.get(outcome.model, succeeded);
    const key = `${outcome.endpoint}|${outcome.provider}|${model}|${outcome.keySource}|${outcome.status}`;
    const series = this.endpointRequests.get(key);
    if (series) series.count += 1;
    else {
      const labels = { endpoint: outcome.endpoint, provider: outcome.provider, model, key_source: outcome.keySource, status: String(outcome.status) };
      this.endpointRequests.set(key, { labels, count: 1 });
    }
    const labels = this.endpointDurationLabels.get(`${outcome.endpoint}|${outcome.stream}`);
    if (labels) this.endpointDuration.observe(labels, (performance.now() - outcome.startedAt) / 1000);
  }

  /** The provider's response head arrived; `sentAt` is `performance.now()` before sending. */
  upstreamResponded(provider: ProviderId, sentAt: number): void {
    const labels = this.providerLabels.get(provider);
    if (labels) this.upstreamDuration.observe(labels, (performance.now() - sentAt) / 1000);
  }

  streamStarted(): void {
    this.streamsStarted += 1;
    this.streamsActive += 1;
  }

  streamEnded(): void {
    this.streamsActive -= 1;
    if (this.streamsActive === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** SSE streams open now (the router hijacks their replies, so Fastify does not count them). */
  get activeStreams(): number {
    return this.streamsActive;
  }

  /** Resolves once no stream is open. */
  whenStreamsIdle(): Promise<void> {
    if (this.streamsActive === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cacheLookup(cache: CacheName, hit: boolean): void {
    if (hit) this.cacheCounts[cache].hit += 1;
    else this.cacheCounts[cache].miss += 1;
  }

  /** The Prometheus text exposition: this app's metrics and the process's. */
  async render(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
