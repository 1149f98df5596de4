import type { KeySource, ProviderId } from '../providers.js';

/** Usage analytics (§10). */

export const USAGE_GROUP_BY = ['day', 'hour', 'provider', 'model', 'apiKey', 'keySource'] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];

/**
 * What a time bucket can be split by, on top of §10: `groupBy=day|hour&splitBy=keySource` gives each day or hour
 * its figures per key source (own, team, server or request key), the Usage chart's stacked bars.
 */
export const USAGE_SPLIT_BY = ['keySource'] as const;
export type UsageSplitBy = (typeof USAGE_SPLIT_BY)[number];

/** `GET /admin/usage` query. `from`/`to` are ISO 8601 instants; `teamId` shows a team's usage to its admins. */
export interface UsageQuery {
  from?: string;
  to?: string;
  groupBy?: UsageGroupBy;
  /** Only with `groupBy=day` or `hour`. */
  splitBy?: UsageSplitBy;
  teamId?: string;
}

/** Totals of one group (or of everything). `costUsd` is `null` when no request in it had a known price. */
export interface UsageFigures {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  costUsd: number | null;
  p50LatencyMs: number | null;
}

/** One group: `key` is the day/hour (ISO instant), provider, model, API key id or key source. */
export interface UsageRow extends UsageFigures {
  key: string;
  /** A readable name for `key` where one exists (an API key's name). */
  label?: string;
  /** With `splitBy`: this bucket's figures per key source that had traffic in it (`key` is the source); they add up to the row. */
  split?: UsageRow[];
}

/**
 * The most groups a report by provider, model, API key or key source lists, the busiest first. Model names are the
 * callers' own strings, so there is no natural bound: the others are summed in `rest`. Days and hours are bounded
 * by the range and always listed in full.
 */
export const USAGE_REPORT_MAX_GROUPS = 100;

/** The groups beyond the first {@link USAGE_REPORT_MAX_GROUPS}, summed. */
export interface UsageRest extends UsageFigures {
  /** How many groups are summed here. */
  groups: number;
}

/** `GET /admin/usage` response. */
export interface UsageReport {
  from: string;
  to: string;
  groupBy: UsageGroupBy;
  rows: UsageRow[];
  /** Only when the grouping had more than {@link USAGE_REPORT_MAX_GROUPS} groups: the others, summed. */
  rest?: UsageRest;
  /** Everything in the range, `rest` included. */
  totals: UsageFigures;
}

/** `GET /admin/usage/requests` query: newest first; `before` is the previous page's `next`. */
export interface UsageRequestsQuery {
  limit?: number;
  before?: string;
  teamId?: string;
}

/** The kind of gateway route a request came through. */
export const USAGE_ENDPOINTS = ['chat', 'native', 'embeddings', 'responses'] as const;
export type UsageEndpoint = (typeof USAGE_ENDPOINTS)[number];

/** One gateway request as the usage log recorded it. Never a key or a prompt. */
export interface UsageRequestView {
  id: string;
  at: string;
  endpoint: UsageEndpoint;
  provider: ProviderId;
  model: string | null;
  stream: boolean;
  apiKeyId: string | null;
  teamId: string | null;
  keySource: KeySource;
  keyId: string;
  status: number;
  latencyMs: number;
  /** Streams: time to the first byte sent to the client. */
  ttfbMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cachedTokens: number | null;
  costUsd: number | null;
  /** The OpenAI-style error type when the request failed; never the provider's message. */
  errorType: string | null;
}

/** `GET /admin/usage/requests` response. */
export interface UsageRequestsPage {
  requests: UsageRequestView[];
  /** Pass as `before` for the next page; `null` at the end. */
  next: string | null;
}
