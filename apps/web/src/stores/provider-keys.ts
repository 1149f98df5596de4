import { defineStore } from 'pinia';
import {
  DEFAULT_FALLBACK_POLICY,
  type FallbackPolicy,
  type ProviderId,
  type ProviderKeyTestResult,
  type ProviderKeyView,
  type ProviderStatus,
} from '@uniroute/shared';
import * as providerKeysApi from '@/api/provider-keys';
import { PERSONAL_OWNER, sameOwner, type KeyOwner } from '@/utils/key-owner';
import { apiErrorMessage, apiErrorStatus } from '@/api/http';

interface ProviderKeysState {
  /** Whose keys these are: the page shows one owner at a time (personal, or one team). */
  owner: KeyOwner;
  /** The owner's stored keys as the server shows them (masked). Never a plaintext key. */
  keys: ProviderKeyView[];
  statuses: ProviderStatus[];
  loading: boolean;
  loaded: boolean;
  /** Why the keys could not be loaded; the page shows it with a retry. */
  error: string | null;
  /** Why the fallback statuses could not be loaded; the cards still work without them. */
  statusesError: string | null;
  /** The team does not exist for this user: the API answers 404 to non-members (§9). */
  notFound: boolean;
}

/** Options for saving a key. */
export interface SaveProviderKeyOptions {
  /** Ask the server to test the key with the provider first (422 if rejected). */
  validate?: boolean;
}

/**
 * The BYOK provider keys of one owner — the user's own, or a team's (`useOwner`). Plaintext keys pass through `add`/`replaceKey` as arguments
 * straight to the API and are never assigned to state.
 */
export const useProviderKeysStore = defineStore('provider-keys', {
  state: (): ProviderKeysState => ({
    owner: PERSONAL_OWNER,
    keys: [],
    statuses: [],
    loading: false,
    loaded: false,
    error: null,
    statusesError: null,
    notFound: false,
  }),

  getters: {
    keyFor:
      (state) =>
      (provider: ProviderId): ProviderKeyView | null =>
        state.keys.find((key) => key.provider === provider) ?? null,
    statusFor:
      (state) =>
      (provider: ProviderId): ProviderStatus | null =>
        state.statuses.find((status) => status.provider === provider) ?? null,
  },

  actions: {
    /** Loads keys and fallback statuses together; only a failure to load the keys is fatal. */
    async hydrate(): Promise<void> {
      const owner = this.owner;
      this.loading = true;
      this.error = null;
      const [keys, statuses] = await Promise.allSettled([
        providerKeysApi.listProviderKeys(owner),
        providerKeysApi.listProviderStatuses(),
      ]);
      if (!sameOwner(owner, this.owner)) return; // the page moved to another owner meanwhile
      if (keys.status === 'fulfilled') {
        this.keys = keys.value;
        this.loaded = true;
        this.notFound = false;
      } else {
        this.error = apiErrorMessage(keys.reason);
        this.notFound = owner.kind === 'team' && apiErrorStatus(keys.reason) === 404;
      }
      if (statuses.status === 'fulfilled') {
        this.adoptStatuses(statuses.value);
        this.statusesError = null;
      } else {
        this.statusesError = apiErrorMessage(statuses.reason);
      }
      this.loading = false;
    },

    dehydrate(): void {
      this.$reset();
    },

    /** Switches the store to another owner's keys, forgetting the previous owner's. */
    useOwner(owner: KeyOwner): void {
      if (sameOwner(owner, this.owner)) return;
      this.$reset();
      this.owner = owner;
    },

    /**
     * `GET /admin/providers` speaks for the signed-in user: for a team only its operator facts hold
     * (server key configured, fallback allowed). The team's policy comes from its keys or from what
     * was set on this page; a provider without either shows the default.
     */
    adoptStatuses(statuses: ProviderStatus[]): void {
      if (this.owner.kind === 'user') {
        this.statuses = statuses;
        return;
      }
      this.statuses = statuses.map((status) => {
        const known =
          this.keys.find((key) => key.provider === status.provider)?.fallbackPolicy ??
          this.statuses.find((previous) => previous.provider === status.provider)?.fallbackPolicy ??
          DEFAULT_FALLBACK_POLICY;
        return { ...status, fallbackPolicy: known, usesServerKey: false };
      });
    },

    async add(provider: ProviderId, apiKey: string, options: SaveProviderKeyOptions = {}): Promise<ProviderKeyView> {
      const view = await providerKeysApi.createProviderKey(this.owner, {
        provider,
        apiKey,
        ...(options.validate ? { validate: true } : {}),
      });
      this.upsert(view);
      void this.refreshStatuses();
      return view;
    },

    async replaceKey(
      provider: ProviderId,
      apiKey: string,
      options: SaveProviderKeyOptions = {},
    ): Promise<ProviderKeyView> {
      const view = await providerKeysApi.updateProviderKey(this.owner, provider, {
        apiKey,
        ...(options.validate ? { validate: true } : {}),
      });
      this.upsert(view);
      void this.refreshStatuses();
      return view;
    },

    /** Switches a key on or off at once, and puts it back if the server refuses. */
    async setActive(provider: ProviderId, isActive: boolean): Promise<ProviderKeyView> {
      const index = this.keys.findIndex((key) => key.provider === provider);
      const previous = index >= 0 ? this.keys[index] : undefined;
      if (index >= 0 && previous) this.keys[index] = { ...previous, isActive };
      try {
        const view = await providerKeysApi.updateProviderKey(this.owner, provider, { isActive });
        this.upsert(view);
        void this.refreshStatuses();
        return view;
      } catch (error) {
        if (previous) this.upsert(previous);
        throw error;
      }
    },

    /** Removes a key at once, and puts it back where it was if the server refuses. */
    async remove(provider: ProviderId): Promise<void> {
      const index = this.keys.findIndex((key) => key.provider === provider);
      const previous = index >= 0 ? this.keys[index] : undefined;
      if (index >= 0) this.keys.splice(index, 1);
      try {
        await providerKeysApi.deleteProviderKey(this.owner, provider);
      } catch (error) {
        // 404: it is already gone (another tab); that is what the user asked for.
        if (apiErrorStatus(error) !== 404) {
          if (previous && !this.keys.some((key) => key.provider === provider)) {
            this.keys.splice(Math.min(index, this.keys.length), 0, previous);
          }
          throw error;
        }
      }
      void this.refreshStatuses();
    },

    /**
     * Asks the server to try the stored key against the provider, and records the outcome on the key; the key's
     * health (which a test can set or clear) is then read back from the server.
     */
    async test(provider: ProviderId): Promise<ProviderKeyTestResult> {
      const result = await providerKeysApi.testProviderKey(this.owner, provider);
      const key = this.keys.find((candidate) => candidate.provider === provider);
      if (key) {
        key.lastTestOk = result.ok;
        key.lastTestedAt = new Date().toISOString();
      }
      try {
        const fresh = (await providerKeysApi.listProviderKeys(this.owner)).find((candidate) => candidate.provider === provider);
        if (fresh) this.upsert(fresh);
      } catch {
        // The test result stands on its own; the health badge catches up on the next load.
      }
      void this.refreshStatuses();
      return result;
    },

    /** Sets the provider's fallback policy at once (also with no key stored), and puts it back if the server refuses. */
    async setPolicy(provider: ProviderId, fallbackPolicy: FallbackPolicy): Promise<void> {
      const key = this.keys.find((candidate) => candidate.provider === provider);
      const status = this.statuses.find((candidate) => candidate.provider === provider);
      const previous = key?.fallbackPolicy ?? status?.fallbackPolicy;
      if (key) key.fallbackPolicy = fallbackPolicy;
      if (status) status.fallbackPolicy = fallbackPolicy;
      try {
        const view = await providerKeysApi.setFallbackPolicy(this.owner, provider, fallbackPolicy);
        if (!('key' in view)) this.upsert(view);
        void this.refreshStatuses();
      } catch (error) {
        if (previous !== undefined) {
          if (key) key.fallbackPolicy = previous;
          if (status) status.fallbackPolicy = previous;
        }
        throw error;
      }
    },

    /** Refetches the fallback statuses after a change; failures keep the previous ones. */
    async refreshStatuses(): Promise<void> {
      const owner = this.owner;
      try {
        const statuses = await providerKeysApi.listProviderStatuses();
        if (!sameOwner(owner, this.owner)) return;
        this.adoptStatuses(statuses);
        this.statusesError = null;
      } catch {
        // Not worth an error on screen: the cards compute the fallback line from the last statuses.
      }
    },

    upsert(view: ProviderKeyView): void {
      const index = this.keys.findIndex((key) => key.provider === view.provider);
      if (index >= 0) this.keys[index] = view;
      else this.keys.push(view);
    },
  },
});
