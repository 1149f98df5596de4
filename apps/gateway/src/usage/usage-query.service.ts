import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { KEY_SOURCES, type KeySource, type ProviderId, type UsageEndpoint, type UsageFigures, type UsageGroupBy, type UsageReport, type UsageRequestsPage, type UsageRequestView, type UsageRow, type UsageSplitBy } from '@uniroute/shared';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { USAGE_REQUESTS_DEFAULT_LIMIT } from './dto/usage.dto.js';
import { LATENCY_BUCKET_COUNT, histogramMedian } from './latency-histogram.js';
import { REPORT_SETTINGS_SQL, reportParams, reportSql, requestsSql, type UsageScopeColumn } from './usage-report-sql.js';
import { NO_ID, UsageRecorder } from './usage-recorder.js';
import { TeamsService } from '../teams/teams.service.js';

/** Whose usage a query reads: the caller's own requests, or (for its admins) everything billed to a team. */
export type UsageScope = { readonly userId: string } | { readonly teamId: string };

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const DEFAULT_RANGE_DAYS = 30;
/** The longest report: a bit over a year, so "this month last year" works and a query stays bounded. */
export const MAX_RANGE_DAYS = 400;

interface ReportRow {
  /** `null` on the row that sums the groups past the first USAGE_REPORT_MAX_GROUPS (ranked groupings). */
  key: string | null;
  /** The key source, when the report is split by it. */
  part?: KeySource;
  /** How many groups the row sums (ranked groupings). */
  groups?: string;
  requests: string;
  errors: string;
  prompt_tokens: string;
  completion_tokens: string;
  cached_tokens: string;
  cost_usd: string | null;
  priced_requests: string;
  [bucket: `l${number}`]: string;
}

interface Group {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  costUsd: number;
  pricedRequests: number;
  histogram: number[];
}

interface RequestRow {
  id: string;
  at: Date;
  endpoint: UsageEndpoint;
  provider: ProviderId;
  model: string | null;
  stream: boolean;
  api_key_id: string | null;
  team_id: string | null;
  key_source: KeySource;
  key_id: string;
  status: number;
  latency_ms: number;
  ttfb_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cached_tokens: number | null;
  cost_usd: string | null;
  error_type: string | null;
}

/**
 * `GET /admin/usage` and `GET /admin/usage/requests` (§10). Reports are aggregated in SQL from the rollups (a 30-day
 * report reads 30 daily rows and the edge hours per API key/provider/model/key source of the scope); the request list reads
 * the raw log by its (owner, time) index with a keyset cursor. Both first write what this replica still queues.
 */
@Injectable()
export class UsageQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: UsageRecorder,
    private readonly teams: TeamsService,
  ) {}

  /** The scope a caller asks for: their own, or a team's when they administer it (404 otherwise: no team is revealed). */
  async scopeFor(principal: Principal, teamId: string | undefined): Promise<UsageScope> {
    if (teamId === undefined) return { userId: principal.userId };
    await this.assertTeamAdmin(principal, teamId);
    return { teamId };
  }

  /** Team usage is for the team's owner and admins (§9, §10): a non-member gets the 404 every team route gives, a member a 403. */
  async assertTeamAdmin(principal: Principal, teamId: string): Promise<void> {
    await this.teams.requireRole(teamId, principal.userId, 'write');
  }

  async report(scope: UsageScope, query: { from?: string; to?: string; groupBy?: UsageGroupBy; splitBy?: UsageSplitBy }): Promise<UsageReport> {
    const { from, to } = reportRange(query.from, query.to);
    const groupBy = query.groupBy ?? 'day';
    const byTime = groupBy === 'day' || groupBy === 'hour';
    const split = query.splitBy === 'keySource';
    if (split && !byTime) {
      throw new GatewayError('invalid_request', 'splitBy=keySource splits days or hours: use it with groupBy=day or groupBy=hour (groupBy=keySource alone gives the totals per key source).', {
        param: 'splitBy',
      });
    }
    await this.recorder.flush();
    const [scopeColumn, scopeId]: [UsageScopeColumn, string] = 'teamId' in scope ? ['team_id', scope.teamId] : ['user_id', scope.userId];
    const rows = await this.dataSource.transaction(async (manager): Promise<ReportRow[]> => {
      await manager.query(REPORT_SETTINGS_SQL);
      return manager.query(reportSql(groupBy, scopeColumn, split), reportParams(groupBy, scopeId, from, to));
    });
    const groups = new Map<string, Group>();
    const parts = new Map<string, Map<KeySource, Group>>();
    let rest: { groups: number; group: Group } | undefined;
    for (const row of rows) {
      const group = toGroup(row);
      if (row.key === null) {
        rest = { groups: Number(row.groups), group };
        continue;
      }
      if (row.part === undefined) {
        groups.set(row.key, group);
        continue;
      }
      // Split rows: the bucket's figures are the sum of its parts.
      let total = groups.get(row.key);
      if (!total) groups.set(row.key, (total = emptyGroup()));
      addGroup(total, group);
      let bySource = parts.get(row.key);
      if (!bySource) parts.set(row.key, (bySource = new Map()));
      bySource.set(row.part, group);
    }

    let keyed: Array<[string, Group]>;
    if (byTime) {
      // Every day or hour of the range, empty ones as zeros: a chart's x axis without gaps.
      keyed = [];
      const step = groupBy === 'day' ? DAY_MS : HOUR_MS;
      const first = groupBy === 'day' ? Math.floor(from.getTime() / DAY_MS) * DAY_MS : from.getTime();
      for (let at = first; at < to.getTime(); at += step) {
        const key = new Date(at).toISOString();
        keyed.push([key, groups.get(key) ?? emptyGroup()]);
      }
    } else {
      keyed = [...groups.entries()].sort(([keyA, a], [keyB, b]) => b.requests - a.requests || keyA.localeCompare(keyB));
    }
    const labels = groupBy === 'apiKey' ? await this.apiKeyNames(keyed.map(([key]) => key)) : new Map<string, string>();
    const total = emptyGroup();
    for (const [, group] of keyed) addGroup(total, group);
    if (rest) addGroup(total, rest.group);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      ...(rest ? { rest: { groups: rest.groups, ...figures(rest.group) } } : {}),
      rows: keyed.map(([key, group]): UsageRow => {
        const label = labels.get(key);
        const row: UsageRow = { key, ...(label !== undefined ? { label } : {}), ...figures(group) };
        if (split) {
          // In KEY_SOURCES order, the same in every bucket: a stacked chart's layers do not swap.
          const bySource = parts.get(key);
          row.split = KEY_SOURCES.flatMap((source) => {
            const part = bySource?.get(source);
            return part ? [{ key: source, ...figures(part) }] : [];
          });
        }
        return row;
      }),
      totals: figures(total),
    };
  }

  async requests(scope: UsageScope, limit = USAGE_REQUESTS_DEFAULT_LIMIT, before?: string): Promise<UsageRequestsPage> {
    await this.recorder.flush();
    const [scopeColumn, scopeId]: [UsageScopeColumn, string] = 'teamId' in scope ? ['team_id', scope.teamId] : ['user_id', scope.userId];
    // The cursor row must be in the same scope: someone else's request id is no cursor (an empty first page, no leak).
    const rows: RequestRow[] = await this.dataSource.query(requestsSql(scopeColumn), [scopeId, limit + 1, before ?? null]);
    const page = rows.slice(0, limit);
    return { requests: page.map(toRequestView), next: rows.length > limit ? page.at(-1)!.id : null };
  }

  private async apiKeyNames(ids: string[]): Promise<Map<string, string>> {
    const known = ids.filter((id) => id !== NO_ID);
    if (known.length === 0) return new Map();
    const rows: Array<{ id: string; name: string }> = await this.dataSource.query(`SELECT id, name FROM api_keys WHERE id = ANY($1::uuid[])`, [known]);
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}

/** `from` rounded down and `to` rounded up to the hour (the rollup's grain); 400 for a reversed or too long range. */
export function reportRange(fromText: string | undefined, toText: string | undefined, now = Date.now()): { from: Date; to: Date } {
  const toMs = toText === undefined ? now : Date.parse(toText);
  const fromMs = fromText === undefined ? toMs - DEFAULT_RANGE_DAYS * DAY_MS : Date.parse(fromText);
  if (Number.isNaN(fromMs)) throw new GatewayError('invalid_request', 'from must be an ISO 8601 date or date-time.', { param: 'from' });
  if (Number.isNaN(toMs)) throw new GatewayError('invalid_request', 'to must be an ISO 8601 date or date-time.', { param: 'to' });
  const from = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  const to = Math.ceil(toMs / HOUR_MS) * HOUR_MS;
  if (to <= from) throw new GatewayError('invalid_request', 'to must be after from.', { param: 'to' });
  if (to - from > MAX_RANGE_DAYS * DAY_MS) throw new GatewayError('invalid_request', `The range may span at most ${MAX_RANGE_DAYS} days.`, { param: 'from' });
  // Dates PostgreSQL and JavaScript both hold: years 1970 to 9999.
  if (from < 0 || to > Date.UTC(9999, 0, 1)) throw new GatewayError('invalid_request', 'from and to must lie between 1970 and 9999.', { param: 'from' });
  return { from: new Date(from), to: new Date(to) };
}

function emptyGroup(): Group {
  return { requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, costUsd: 0, pricedRequests: 0, histogram: new Array<number>(LATENCY_BUCKET_COUNT).fill(0) };
}

function toGroup(row: ReportRow): Group {
  return {
    requests: Number(row.requests),
    errors: Number(row.errors),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    cachedTokens: Number(row.cached_tokens),
    costUsd: Number(row.cost_usd ?? 0),
    pricedRequests: Number(row.priced_requests),
    histogram: Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => Number(row[`l${index}`] ?? 0)),
  };
}

function addGroup(into: Group, group: Group): void {
  into.requests += group.requests;
  into.errors += group.errors;
  into.promptTokens += group.promptTokens;
  into.completionTokens += group.completionTokens;
  into.cachedTokens += group.cachedTokens;
  into.costUsd += group.costUsd;
  into.pricedRequests += group.pricedRequests;
  for (let index = 0; index < into.histogram.length; index += 1) into.histogram[index]! += group.histogram[index] ?? 0;
}

function figures(group: Group): UsageFigures {
  return {
    requests: group.requests,
    errors: group.errors,
    promptTokens: group.promptTokens,
    completionTokens: group.completionTokens,
    cachedTokens: group.cachedTokens,
    // Micro-dollar precision: sums of many numeric(20,10) costs, shown as dollars.
    costUsd: group.pricedRequests === 0 ? null : Math.round(group.costUsd * 1e8) / 1e8,
    p50LatencyMs: histogramMedian(group.histogram),
  };
}

function toRequestView(row: RequestRow): UsageRequestView {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    endpoint: row.endpoint,
    provider: row.provider,
    model: row.model,
    stream: row.stream,
    apiKeyId: row.api_key_id,
    teamId: row.team_id,
    keySource: row.key_source,
    keyId: row.key_id,
    status: row.status,
    latencyMs: row.latency_ms,
    ttfbMs: row.ttfb_ms,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    costUsd: row.cost_usd === null ? null : Number(row.cost_usd),
    errorType: row.error_type,
  };
}
