import { defineStore } from 'pinia';
import type { AuthResponse, ChangePasswordRequest, CredentialsRequest, RegisterRequest, UserView } from '@uniroute/shared';
import * as authApi from '@/api/auth';
import { clearStoredSession, readSession, writeSession } from '@/api/session';
import { useAdminUsersStore } from './admin-users';
import { useApiKeysStore } from './api-keys';
import { useAuditStore } from './audit';
import { useProviderKeysStore } from './provider-keys';
import { useTeamMembersStore } from './team-members';
import { useTeamsStore } from './teams';

interface AuthState {
  accessToken: string | null;
  user: UserView | null;
  /** Epoch milliseconds; `null` when unknown (a token set by hand). */
  expiresAt: number | null;
}

/** The signed-in session. localStorage (`uniroute.session`) is the source of truth across reloads. */
export const useAuthStore = defineStore('auth', {
  state: (): AuthState => stateFromStorage(),

  getters: {
    isAuthenticated: (state): boolean => state.accessToken !== null,
    /** Decides only what the page shows: the server answers 403 to anyone else on admin routes. */
    isAdmin: (state): boolean => state.user?.role === 'admin',
  },

  actions: {
    /** Re-reads the session from storage (first load, or another tab signed in or out). */
    hydrate(): void {
      this.$patch(stateFromStorage());
    },

    async login(credentials: CredentialsRequest): Promise<UserView> {
      const response = await authApi.login(credentials);
      this.startSession(response);
      return response.user;
    },

    async register(request: RegisterRequest): Promise<UserView> {
      const response = await authApi.register(request);
      this.startSession(response);
      return response.user;
    },

    startSession(response: AuthResponse): void {
      this.accessToken = response.accessToken;
      this.user = response.user;
      this.expiresAt = response.expiresIn > 0 ? Date.now() + response.expiresIn * 1000 : null;
      this.persist();
    },

    /** Refreshes the user from `GET /auth/me`; a 401 there ends the session through the HTTP interceptor. */
    async fetchUser(): Promise<UserView> {
      const user = await authApi.fetchCurrentUser();
      if (this.accessToken === null) return user; // the session ended while we waited
      this.user = user;
      this.persist();
      return user;
    },

    hasExpired(now: number = Date.now()): boolean {
      return this.expiresAt !== null && this.expiresAt <= now;
    },

    /** Forgets the session and everything loaded for that user. */
    clearSession(): void {
      clearStoredSession();
      this.accessToken = null;
      this.user = null;
      this.expiresAt = null;
      useProviderKeysStore().dehydrate();
      useApiKeysStore().dehydrate();
      useAdminUsersStore().dehydrate();
      useAuditStore().dehydrate();
      useTeamsStore().dehydrate();
      useTeamMembersStore().dehydrate();
    },

    /**
     * Revokes the session on the server, then forgets it here. The local session is cleared even
     * when the server can't be reached: the user asked to be signed out of this browser.
     */
    async logout(): Promise<void> {
      try {
        if (this.accessToken !== null) await authApi.logout();
      } catch {
        // Already revoked (401) or unreachable: nothing more this browser can do about it.
      } finally {
        this.clearSession();
      }
    },

    /** Changes the password; the server signs out every other session and keeps this one. */
    async changePassword(request: ChangePasswordRequest): Promise<void> {
      await authApi.changePassword(request);
    },

    persist(): void {
      if (this.accessToken === null) return;
      writeSession({ accessToken: this.accessToken, user: this.user, expiresAt: this.expiresAt });
    },
  },
});

function stateFromStorage(): AuthState {
  const session = readSession();
  return {
    accessToken: session?.accessToken ?? null,
    user: session?.user ?? null,
    expiresAt: session?.expiresAt ?? null,
  };
}
