import type { UsageQuery, UsageReport, UsageRequestsPage, UsageRequestsQuery, UsageRow } from '@uniroute/shared';
import { http } from './http';

/**
 * The one split the Usage chart asks for on top of §10: `groupBy=day|hour&splitBy=keySource` answers each
 * time bucket with its figures per key source in `split`. Not in the contract yet (proposed to the lead);
 * a gateway without it refuses the parameter with 400 `param: "splitBy"` and the page shows totals only.
 */
export type UsageSplitBy = 'keySource';

/** A time bucket with its per-key-source figures, when the gateway answered `splitBy`. */
export interface UsageRowWithSplit extends UsageRow {
  /** One row per key source with traffic in this bucket; `key` is the `KeySource`. */
  split?: UsageRow[];
}

/** `GET /admin/usage` as the chart reads it: the §10 report, whose rows may carry `split`. */
export interface UsageReportWithSplit extends UsageReport {
  rows: UsageRowWithSplit[];
}

/** `GET /admin/usage`: the caller's traffic (or a team's, with `teamId`, for its admins) grouped by one dimension. */
export async function getUsage(query: UsageQuery): Promise<UsageReport> {
  const response = await http.get<UsageReport>('/admin/usage', { params: withoutEmpty(query) });
  return response.data;
}

/** `GET /admin/usage?groupBy=day|hour&splitBy=keySource` (proposed): time buckets, each split by key source. */
export async function getUsageSplit(query: UsageQuery & { splitBy: UsageSplitBy }): Promise<UsageReportWithSplit> {
  const response = await http.get<UsageReportWithSplit>('/admin/usage', { params: withoutEmpty(query) });
  return response.data;
}

/** `GET /admin/usage/requests`: the latest requests, newest first; `before` is the previous page's `next`. */
export async function listUsageRequests(query: UsageRequestsQuery): Promise<UsageRequestsPage> {
  const response = await http.get<UsageRequestsPage>('/admin/usage/requests', { params: withoutEmpty(query) });
  return response.data;
}

/** Leaves out unset parameters: the gateway refuses unknown or empty ones rather than guessing. */
function withoutEmpty<T extends object>(query: T): Partial<T> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined && value !== null && value !== '')) as Partial<T>;
}
