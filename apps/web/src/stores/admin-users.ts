import { defineStore } from 'pinia';
import type {
  AdminUserView,
  CreateInvitationRequest,
  InvitationCreated,
  InvitationView,
  UpdateUserRequest,
} from '@uniroute/shared';
import * as adminUsersApi from '@/api/admin-users';
import { apiErrorMessage, apiErrorStatus } from '@/api/http';

/** Users per page of `GET /admin/users`. */
export const USERS_PAGE_SIZE = 25;

interface AdminUsersState {
  users: AdminUserView[];
  /** `before` for the next page; `null` once the last page is loaded. */
  nextCursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  loaded: boolean;
  error: string | null;
  /** Open invitations, never their tokens. */
  invitations: InvitationView[];
  invitationsLoaded: boolean;
  invitationsError: string | null;
}

/**
 * The admin's view of every account and the open invitations. The token of a new invitation goes
 * back to the caller (the page shows its link once) and is not kept here.
 */
export const useAdminUsersStore = defineStore('admin-users', {
  state: (): AdminUsersState => ({
    users: [],
    nextCursor: null,
    loading: false,
    loadingMore: false,
    loaded: false,
    error: null,
    invitations: [],
    invitationsLoaded: false,
    invitationsError: null,
  }),

  actions: {
    /** Loads the first page of users and the open invitations. */
    async hydrate(): Promise<void> {
      this.loading = true;
      this.error = null;
      try {
        const [page] = await Promise.all([
          adminUsersApi.listUsers({ limit: USERS_PAGE_SIZE }),
          this.loadInvitations(),
        ]);
        this.users = page.data;
        this.nextCursor = page.nextCursor;
        this.loaded = true;
      } catch (error) {
        this.error = apiErrorMessage(error);
      } finally {
        this.loading = false;
      }
    },

    dehydrate(): void {
      this.$reset();
    },

    /** Appends the next page (older users). */
    async loadMore(): Promise<void> {
      if (!this.nextCursor || this.loadingMore) return;
      this.loadingMore = true;
      this.error = null;
      try {
        const page = await adminUsersApi.listUsers({ limit: USERS_PAGE_SIZE, before: this.nextCursor });
        const known = new Set(this.users.map((user) => user.id));
        this.users = [...this.users, ...page.data.filter((user) => !known.has(user.id))];
        this.nextCursor = page.nextCursor;
      } catch (error) {
        this.error = apiErrorMessage(error);
      } finally {
        this.loadingMore = false;
      }
    },

    /** Applies the change at once and rolls it back if the server refuses (e.g. the last admin). */
    async update(id: string, request: UpdateUserRequest): Promise<AdminUserView> {
      const user = this.users.find((candidate) => candidate.id === id);
      const previous = user ? { role: user.role, disabled: user.disabled } : null;
      if (user) Object.assign(user, request);
      try {
        const updated = await adminUsersApi.updateUser(id, request);
        this.users = this.users.map((candidate) => (candidate.id === id ? updated : candidate));
        return updated;
      } catch (error) {
        if (user && previous) Object.assign(user, previous);
        throw error;
      }
    },

    async remove(id: string): Promise<void> {
      try {
        await adminUsersApi.deleteUser(id);
      } catch (error) {
        if (apiErrorStatus(error) !== 404) throw error; // 404: already gone
      }
      this.users = this.users.filter((user) => user.id !== id);
    },

    async loadInvitations(): Promise<void> {
      this.invitationsError = null;
      try {
        this.invitations = await adminUsersApi.listInvitations();
        this.invitationsLoaded = true;
      } catch (error) {
        this.invitationsError = apiErrorMessage(error);
      }
    },

    /** Creates an invitation and refreshes the open list; the link is returned, not stored. */
    async createInvitation(request: CreateInvitationRequest): Promise<InvitationCreated> {
      const created = await adminUsersApi.createInvitation(request);
      await this.loadInvitations();
      return created;
    },

    async revokeInvitation(id: string): Promise<void> {
      try {
        await adminUsersApi.revokeInvitation(id);
      } catch (error) {
        if (apiErrorStatus(error) !== 404) throw error; // 404: used or expired meanwhile
      }
      this.invitations = this.invitations.filter((invitation) => invitation.id !== id);
    },
  },
});
