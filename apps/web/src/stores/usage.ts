import { defineStore } from 'pinia';
import type { UsageGroupBy, UsageReport, UsageRequestView } from '@uniroute/shared';
import * as usageApi from '@/api/usage';
import { apiErrorMessage, apiErrorParam, apiErrorStatus } from '@/api/http';
import { timeBucketFor, type UsageRange } from '@/utils/usage-range';

/** Requests per page of the "Latest requests" list. */
export const USAGE_REQUESTS_PAGE_SIZE = 25;

/** The breakdowns the page's tables show, each one `GET /admin/usage?groupBy=…` for the range. */
export type UsageBreakdown = Extract<UsageGroupBy, 'keySource' | 'model' | 'apiKey'>;
export const USAGE_BREAKDOWNS: readonly UsageBreakdown[] = ['keySource', 'model', 'apiKey'];

interface UsageState {
  /** Whose usage: the caller's own (`null`) or a team's, for its admins. */
  teamId: string | null;
  range: UsageRange | null;
  /** Time buckets for the chart, split by key source when the gateway can. */
  timeline: UsageReport | null;
  breakdowns: Partial<Record<UsageBreakdown, UsageReport>>;
  /**
   * Whether the gateway answers `splitBy=keySource` (a replica of an older release does not): unknown until first asked, then
   * remembered so a gateway without it gets one refused request per session, not one per range change.
   */
  splitSupported: boolean | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;

  requests: UsageRequestView[];
  /** The `before` of the next page of requests; `null` once the oldest is shown. */
  next: string | null;
  requestsLoading: boolean;
  requestsError: string | null;
}

/** Which answer is current: a range picked while an older one is loading wins over it. */
let generation = 0;

/** The Usage page's figures (§10): the chart, the breakdown tables and the latest requests. */
export const useUsageStore = defineStore('usage', {
  state: (): UsageState => ({
    teamId: null,
    range: null,
    timeline: null,
    breakdowns: {},
    splitSupported: null,
    loading: false,
    loaded: false,
    error: null,
    requests: [],
    next: null,
    requestsLoading: false,
    requestsError: null,
  }),

  getters: {
    /** The bucket the chart uses for the current range. */
    timeBucket: (state): 'hour' | 'day' => (state.range ? timeBucketFor(state.range) : 'day'),
    /** Nothing at all in the range: the page shows its empty state instead of zeros. */
    isEmpty: (state): boolean => state.loaded && (state.timeline?.totals.requests ?? 0) === 0,
  },

  actions: {
    /** Loads everything the page shows for `range` (and `teamId`), replacing what was shown. */
    async load(range: UsageRange, teamId: string | null = null): Promise<void> {
      const current = ++generation;
      this.range = range;
      this.teamId = teamId;
      this.loading = true;
      this.error = null;
      const requestsPage = this.fetchRequests(undefined, current);
      try {
        const [timeline, ...reports] = await Promise.all([
          this.fetchTimeline(range, teamId),
          ...USAGE_BREAKDOWNS.map((groupBy) => usageApi.getUsage({ from: range.from, to: range.to, groupBy, ...teamQuery(teamId) })),
        ]);
        if (current !== generation) return;
        this.timeline = timeline;
        this.breakdowns = Object.fromEntries(USAGE_BREAKDOWNS.map((groupBy, index) => [groupBy, reports[index]]));
        this.loaded = true;
      } catch (error) {
        if (current === generation) this.error = apiErrorMessage(error);
      } finally {
        if (current === generation) this.loading = false;
      }
      await requestsPage;
    },

    /** Loads the page's figures again for the same range and team. */
    async reload(): Promise<void> {
      if (this.range) await this.load(this.range, this.teamId);
    },

    /** Loads the newest page of requests again (after a failure). */
    async reloadRequests(): Promise<void> {
      await this.fetchRequests(undefined, generation);
    },

    /** Appends the next older page of requests. */
    async loadMoreRequests(): Promise<void> {
      if (this.next) await this.fetchRequests(this.next, generation);
    },

    dehydrate(): void {
      generation++;
      this.$reset();
    },

    async fetchTimeline(range: UsageRange, teamId: string | null): Promise<UsageReport> {
      const query = { from: range.from, to: range.to, groupBy: timeBucketFor(range), ...teamQuery(teamId) };
      if (this.splitSupported !== false) {
        try {
          const report = await usageApi.getUsageSplit({ ...query, splitBy: 'keySource' });
          this.splitSupported = true;
          return report;
        } catch (error) {
          // Only "I don't know splitBy" means the gateway lacks it; any other failure is the page's error.
          if (apiErrorStatus(error) !== 400 || apiErrorParam(error) !== 'splitBy') throw error;
          this.splitSupported = false;
        }
      }
      return usageApi.getUsage(query);
    },

    async fetchRequests(before: string | undefined, current: number): Promise<void> {
      this.requestsLoading = true;
      this.requestsError = null;
      try {
        const page = await usageApi.listUsageRequests({
          limit: USAGE_REQUESTS_PAGE_SIZE,
          ...(before ? { before } : {}),
          ...teamQuery(this.teamId),
        });
        if (current !== generation) return;
        this.requests = before ? [...this.requests, ...page.requests] : page.requests;
        this.next = page.next;
      } catch (error) {
        if (current === generation) this.requestsError = apiErrorMessage(error);
      } finally {
        if (current === generation) this.requestsLoading = false;
      }
    },
  },
});

function teamQuery(teamId: string | null): { teamId?: string } {
  return teamId ? { teamId } : {};
}
