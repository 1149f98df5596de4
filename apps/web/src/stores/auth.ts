import { defineStore } from 'pinia';
import type { AuthResponse, CredentialsRequest, UserView } from '@uniroute/shared';
import * as authApi from '@/api/auth';
import { clearStoredSession, readSession, writeSession } from '@/api/session';
import { useApiKeysStore } from './api-keys';
import { useAuditStore } from './audit';
import { useProviderKeysStore } from './provider-keys';

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

    async register(credentials: CredentialsRequest): Promise<UserView> {
      const response = await authApi.register(credentials);
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
      useAuditStore().dehydrate();
    },

    logout(): void {
      this.clearSession();
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
