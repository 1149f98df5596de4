import type { UsageQuery, UsageReport, UsageRequestsPage, UsageRequestsQuery, UsageSplitBy } from '@uniroute/shared';
import { http } from './http';

/** `GET /admin/usage`: the caller's traffic (or a team's, with `teamId`, for its admins) grouped by one dimension. */
export async function getUsage(query: UsageQuery): Promise<UsageReport> {
  const response = await http.get<UsageReport>('/admin/usage', { params: withoutEmpty(query) });
  return response.data;
}

/**
 * `GET /admin/usage?groupBy=day|hour&splitBy=keySource`: time buckets, each with its figures per key source in
 * `split` (UniRoute's addition to §10, for the chart). A replica of an older release, met during a rolling upgrade,
 * refuses the parameter with 400 `param: "splitBy"`; the page then shows totals only.
 */
export async function getUsageSplit(query: UsageQuery & { splitBy: UsageSplitBy }): Promise<UsageReport> {
  const response = await http.get<UsageReport>('/admin/usage', { params: withoutEmpty(query) });
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
