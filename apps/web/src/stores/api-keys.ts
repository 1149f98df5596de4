import { defineStore } from 'pinia';
import type { ApiKeyView, CreatedApiKey } from '@uniroute/shared';
import * as apiKeysApi from '@/api/api-keys';
import { apiErrorMessage, apiErrorStatus } from '@/api/http';

interface ApiKeysState {
  /** Listed keys, never their secrets. */
  keys: ApiKeyView[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

/**
 * The user's gateway API keys. The secret returned by `create` goes back to the caller
 * (the page shows it once) and is not kept here.
 */
export const useApiKeysStore = defineStore('api-keys', {
  state: (): ApiKeysState => ({ keys: [], loading: false, loaded: false, error: null }),

  getters: {
    activeCount: (state): number => state.keys.filter((key) => key.revokedAt === null).length,
  },

  actions: {
    async hydrate(): Promise<void> {
      this.loading = true;
      this.error = null;
      try {
        this.keys = await apiKeysApi.listApiKeys();
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

    /** A personal key, or with `teamId` a team API key: its requests use the team's provider keys (§9). */
    async create(name: string, teamId: string | null = null): Promise<CreatedApiKey> {
      const created = await apiKeysApi.createApiKey(teamId ? { name, teamId } : { name });
      const view: ApiKeyView = {
        id: created.id,
        name: created.name,
        prefix: created.prefix,
        createdAt: created.createdAt,
        lastUsedAt: null,
        revokedAt: null,
        teamId: created.teamId,
      };
      this.keys = [view, ...this.keys.filter((key) => key.id !== created.id)];
      return created;
    },

    /** Marks the key revoked at once, and restores it if the server refuses. */
    async revoke(id: string): Promise<void> {
      const key = this.keys.find((candidate) => candidate.id === id);
      const previousRevokedAt = key?.revokedAt ?? null;
      if (key) key.revokedAt = new Date().toISOString();
      try {
        await apiKeysApi.revokeApiKey(id);
      } catch (error) {
        if (apiErrorStatus(error) === 404) return; // already gone
        if (key) key.revokedAt = previousRevokedAt;
        throw error;
      }
    },
  },
});
