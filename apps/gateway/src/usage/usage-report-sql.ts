import { USAGE_REPORT_MAX_GROUPS, type UsageGroupBy } from '@uniroute/shared';
import { LATENCY_BUCKET_COUNT } from './latency-histogram.js';

/**
 * The statements behind `GET /admin/usage` and `/admin/usage/requests`, in one place so `pnpm bench:usage`
 * measures exactly what the API runs. No user input is ever spliced in: the grouping and scope column come
 * from fixed tables here; values are parameters.
 */
export type UsageScopeColumn = 'user_id' | 'team_id';

/**
 * Run before a report, in its transaction. A report reads a few thousand rollup rows through the primary key in a
 * millisecond or two; PostgreSQL would otherwise plan a Parallel Append whose workers take tens of milliseconds to
 * start on a busy host (measured with EXPLAIN ANALYZE at 10M rows: 1 ms of scanning, 60-90 ms in all).
 */
export const REPORT_SETTINGS_SQL = 'SET LOCAL max_parallel_workers_per_gather = 0';

/** As `Date.prototype.toISOString` writes it, so SQL keys and the zero-filled ones are the same strings. */
const ISO_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS".000Z"'`;

/** The rollup column each grouping reads. `day` is the UTC day. */
const GROUP_KEY_SQL: Record<UsageGroupBy, string> = {
  day: `to_char(date_trunc('day', bucket AT TIME ZONE 'UTC'), ${ISO_FORMAT})`,
  hour: `to_char(bucket AT TIME ZONE 'UTC', ${ISO_FORMAT})`,
  provider: 'provider',
  model: 'model',
  apiKey: 'api_key_id::text',
  keySource: 'key_source',
};

/** The figures a report sums, under the same names in a rollup row and in a group. */
const FIGURE_SUMS_SQL = ['requests', 'errors', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'cost_usd', 'priced_requests']
  .map((column) => `sum(${column}) AS ${column}`)
  .join(', ');

/** `l0…l15`: the latency histogram's buckets, each summed with `sum` (an expression of the bucket's index). */
const HISTOGRAM_SUMS_SQL = (sum: (index: number) => string) => Array.from({ length: LATENCY_BUCKET_COUNT }, (_, index) => `${sum(index)} AS l${index}`).join(', ');
/** Over rollup rows: each bucket of their `latency_buckets` arrays. */
const LATENCY_SUM = (index: number) => `COALESCE(sum(latency_buckets[${index + 1}]), 0)`;
/** Over groups: their `l0…l15` sums. */
const RANKED_LATENCY_SUM = (index: number) => `sum(l${index})`;

/** Groupings whose number of groups the range does not bound (a model name is the caller's own string). */
function isRanked(groupBy: UsageGroupBy): boolean {
  return groupBy !== 'day' && groupBy !== 'hour';
}

/**
 * `$1` scope id, `$2` from, `$3` to (hour-aligned instants), `$4`/`$5` the whole UTC days inside them (both `$2`
 * when there are none). Whole days are read from the daily rollup, the hours before and after them from the hourly
 * one; `groupBy=hour` reads hours only. One row per group (per group and key source as `part` when `splitByKeySource`),
 * histogram sums as `l0…l15`. Grouped by provider, model, API key or key source: the `$6` groups with the most
 * requests (ties by key), and one more row with a null `key` summing the others, `groups` of them; so the gateway
 * never holds more than `$6 + 1` groups, however many names a caller made up.
 */
export function reportSql(groupBy: UsageGroupBy, scopeColumn: UsageScopeColumn, splitByKeySource = false): string {
  const scope = scopeColumn === 'team_id' ? 'team_id' : 'user_id';
  const part = splitByKeySource ? ', key_source AS part' : '';
  const columns = `${GROUP_KEY_SQL[groupBy]} AS key${part}, requests, errors, prompt_tokens, completion_tokens, cached_tokens, cost_usd, priced_requests, latency_buckets`;
  const parts =
    groupBy === 'hour'
      ? `SELECT ${columns} FROM usage_rollups WHERE ${scope} = $1 AND bucket >= $2 AND bucket < $3`
      : `SELECT ${columns} FROM usage_daily_rollups WHERE ${scope} = $1 AND bucket >= $4 AND bucket < $5
         UNION ALL
         SELECT ${columns} FROM usage_rollups WHERE ${scope} = $1 AND bucket >= $2 AND bucket < $4
         UNION ALL
         SELECT ${columns} FROM usage_rollups WHERE ${scope} = $1 AND bucket >= $5 AND bucket < $3`;
  const groupKey = splitByKeySource ? 'key, part' : 'key';
  const grouped = `SELECT ${groupKey}, ${FIGURE_SUMS_SQL}, ${HISTOGRAM_SUMS_SQL(LATENCY_SUM)}
            FROM (${parts}) AS rollup
           GROUP BY ${groupKey}`;
  // (splitBy applies to days and hours only, which are not ranked.)
  if (!isRanked(groupBy)) return grouped;
  return `SELECT CASE WHEN rank <= $6 THEN key END AS key, count(*) AS groups, ${FIGURE_SUMS_SQL}, ${HISTOGRAM_SUMS_SQL(RANKED_LATENCY_SUM)}
            FROM (SELECT grouped.*, row_number() OVER (ORDER BY requests DESC, key) AS rank FROM (${grouped}) AS grouped) AS ranked
           GROUP BY 1`;
}

/**
 * The parameters of {@link reportSql}: scope id and the range, split into whole UTC days and the hours around them;
 * for a ranked grouping, how many groups to list.
 */
export function reportParams(groupBy: UsageGroupBy, scopeId: string, from: Date, to: Date): string[] {
  if (groupBy === 'hour') return [scopeId, from.toISOString(), to.toISOString()];
  const day = 24 * 60 * 60 * 1000;
  const firstWholeDay = Math.ceil(from.getTime() / day) * day;
  const lastWholeDay = Math.floor(to.getTime() / day) * day;
  const [daysFrom, daysTo] = firstWholeDay < lastWholeDay ? [firstWholeDay, lastWholeDay] : [from.getTime(), from.getTime()];
  const params = [scopeId, from.toISOString(), to.toISOString(), new Date(daysFrom).toISOString(), new Date(daysTo).toISOString()];
  return isRanked(groupBy) ? [...params, String(USAGE_REPORT_MAX_GROUPS)] : params;
}

/**
 * `$1` scope id, `$2` limit, `$3` cursor id or null. The cursor row must be in the same scope: someone else's
 * request id is no cursor (an empty page, nothing revealed). Requests of the same millisecond follow their ids.
 */
export function requestsSql(scopeColumn: UsageScopeColumn): string {
  const column = scopeColumn === 'team_id' ? 'team_id' : 'user_id';
  return `SELECT id, at, endpoint, provider, model, stream, api_key_id, team_id, key_source, key_id, status, latency_ms, ttfb_ms,
                 prompt_tokens, completion_tokens, cached_tokens, cost_usd, error_type
            FROM usage_requests
           WHERE ${column} = $1
             AND ($3::uuid IS NULL OR (at, id) < (SELECT at, id FROM usage_requests WHERE id = $3::uuid AND ${column} = $1))
           ORDER BY at DESC, id DESC
           LIMIT $2`;
}
