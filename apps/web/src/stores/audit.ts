import { defineStore } from 'pinia';
import type { AuditEventView } from '@uniroute/shared';
import * as auditApi from '@/api/audit';
import { apiErrorMessage } from '@/api/http';

/** Events per page of the Activity list. */
export const AUDIT_PAGE_SIZE = 20;

interface AuditState {
  events: AuditEventView[];
  /** The `before` of the next page; `null` once the oldest event is shown. */
  next: string | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

/** The signed-in user's audit log (§8), newest first, a page at a time. */
export const useAuditStore = defineStore('audit', {
  state: (): AuditState => ({ events: [], next: null, loading: false, loaded: false, error: null }),

  actions: {
    /** Loads the newest page, replacing what was shown. */
    async hydrate(): Promise<void> {
      await this.fetchPage(undefined);
    },

    /** Appends the next older page. */
    async loadMore(): Promise<void> {
      if (this.next) await this.fetchPage(this.next);
    },

    dehydrate(): void {
      this.$reset();
    },

    async fetchPage(before: string | undefined): Promise<void> {
      this.loading = true;
      this.error = null;
      try {
        const page = await auditApi.listAuditEvents(AUDIT_PAGE_SIZE, before);
        this.events = before ? [...this.events, ...page.events] : page.events;
        this.next = page.next;
        this.loaded = true;
      } catch (error) {
        this.error = apiErrorMessage(error);
      } finally {
        this.loading = false;
      }
    },
  },
});
