import { computed, type ComputedRef } from 'vue';
import { storeToRefs } from 'pinia';
import {
  PROVIDER_IDS,
  DEFAULT_FALLBACK_POLICY,
  PROVIDER_LABELS,
  type FallbackPolicy,
  type KeyHealth,
  type ProviderId,
  type ProviderKeyView,
  type ProviderStatus,
} from '@uniroute/shared';
import { useProviderKeysStore } from '@/stores/provider-keys';
import type { KeyOwner } from '@/utils/key-owner';

/** How a tone maps onto the design system's badge/alert variants. */
export type Tone = 'success' | 'neutral' | 'warning' | 'danger';

/** Which credential the gateway will use for this provider's requests, and how to say it. */
export interface ProviderCoverage {
  kind:
    | 'user-key'
    | 'user-key-skipped'
    | 'user-key-rejected'
    | 'user-key-unusable'
    | 'server-key'
    | 'no-key'
    | 'unknown';
  tone: Tone;
  message: string;
}

/** Everything one provider card renders. */
export interface ProviderCardModel {
  provider: ProviderId;
  label: string;
  key: ProviderKeyView | null;
  status: ProviderStatus | null;
  coverage: ProviderCoverage;
  /** Where to create a key at the provider, for the "Get a key" link. */
  consoleUrl: string;
}

/** Provider dashboards where users create (and revoke) their keys. */
export const PROVIDER_CONSOLE_URLS: Readonly<Record<ProviderId, string>> = {
  openai: 'https://platform.openai.com/api-keys',
  anthropic: 'https://console.anthropic.com/settings/keys',
  google: 'https://aistudio.google.com/apikey',
};

/** Whether the gateway skips a key for its health now (§8): rejected or out of credit, or rate-limited until `healthUntil`. */
export function isKeySkipped(key: Pick<ProviderKeyView, 'health' | 'healthUntil'>, now = Date.now()): boolean {
  if (key.health === 'rejected' || key.health === 'quota_exhausted') return true;
  return key.health === 'rate_limited' && key.healthUntil !== null && Date.parse(key.healthUntil) > now;
}

/** How each health state reads on the card. */
export const HEALTH_LABELS: Readonly<Record<KeyHealth, { text: string; tone: Tone }>> = {
  unverified: { text: 'Not verified yet', tone: 'neutral' },
  ok: { text: 'Working', tone: 'success' },
  rejected: { text: 'Rejected', tone: 'danger' },
  rate_limited: { text: 'Rate limited', tone: 'warning' },
  quota_exhausted: { text: 'Out of credit', tone: 'danger' },
};

/** Whose keys a page shows, for its wording: the user's own, or a team's (§9). */
export type KeysOwnerKind = 'user' | 'team';

/** The policy choices, in the words the selector shows, per owner. */
export const POLICY_LABELS: Readonly<Record<KeysOwnerKind, Readonly<Record<FallbackPolicy, string>>>> = {
  user: {
    byok_only: 'Only my key (never the server key)',
    byok_then_server: 'My key, else the server key',
    server_only: 'Always the server key',
  },
  team: {
    byok_only: "Only the team's key (never the server key)",
    byok_then_server: "The team's key, else the server key",
    server_only: 'Always the server key',
  },
};

/** The few words that differ between one's own keys and a team's. */
const WORDING: Readonly<Record<KeysOwnerKind, { key: string; policy: string; ownKey: string; fixed: string }>> = {
  user: { key: 'your key', policy: 'your policy', ownKey: 'your own key', fixed: 'you replace it' },
  team: { key: "the team's key", policy: "the team's policy", ownKey: 'a team key', fixed: 'it is replaced' },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Says which key the gateway uses for a provider. Mirrors the gateway's resolution (CONTRACT §5, §8, §9):
 * the policy, then the owner's active key unless its health skips it, else the server's key if the
 * policy and the operator allow it, else fail. Computed locally so the line changes at once.
 * For a team, "requests" are those made with the team's API keys.
 */
export function describeCoverage(
  provider: ProviderId,
  key: ProviderKeyView | null,
  status: ProviderStatus | null,
  owner: KeysOwnerKind = 'user',
): ProviderCoverage {
  const label = PROVIDER_LABELS[provider];
  const words = WORDING[owner];
  const Key = capitalize(words.key);
  const Policy = capitalize(words.policy);
  const policy = key?.fallbackPolicy ?? status?.fallbackPolicy ?? DEFAULT_FALLBACK_POLICY;
  const serverAvailable = status ? status.serverKeyConfigured && status.fallbackAllowed : null;
  if (policy === 'server_only') {
    return serverAvailable === false
      ? { kind: 'no-key', tone: 'warning', message: `${Policy} uses only the server's key, and this gateway has none to share: requests to ${label} will fail.` }
      : { kind: 'server-key', tone: 'neutral', message: `${Policy}: requests to ${label} use the server's key.` };
  }
  if (key?.isActive && key.usable && isKeySkipped(key)) {
    const why = HEALTH_LABELS[key.health].text.toLowerCase();
    if (policy === 'byok_only' || serverAvailable === false) {
      return { kind: 'user-key-rejected', tone: 'danger', message: `${Key} is skipped (${why}) — requests to ${label} will fail until it is fixed.` };
    }
    return { kind: 'user-key-skipped', tone: 'warning', message: `${Key} is skipped (${why}) — requests use the server's key meanwhile.` };
  }
  if (key?.isActive) {
    if (!key.usable) {
      return {
        kind: 'user-key-unusable',
        tone: 'danger',
        message: `${Key} can no longer be decrypted — requests to ${label} will fail until ${words.fixed}.`,
      };
    }
    if (key.lastTestOk === false) {
      return {
        kind: 'user-key-rejected',
        tone: 'danger',
        message: `${Key} is used, but ${label} rejected it — requests will fail until ${words.fixed}.`,
      };
    }
    return { kind: 'user-key', tone: 'success', message: `${Key} is used for ${label} requests.` };
  }

  const prefix = key ? 'Key inactive' : 'No key';
  if (!status) {
    return {
      kind: 'unknown',
      tone: 'neutral',
      message: key
        ? `${prefix}: turn it on to use ${words.ownKey} for ${label}.`
        : `${prefix}: add one to use ${words.ownKey} for ${label}.`,
    };
  }
  if (policy === 'byok_only') {
    return { kind: 'no-key', tone: 'warning', message: `${prefix}: ${words.policy} never uses the server's key, so requests to ${label} will fail.` };
  }
  if (status.serverKeyConfigured && status.fallbackAllowed) {
    return { kind: 'server-key', tone: 'neutral', message: `${prefix}: requests use the server's key.` };
  }
  return {
    kind: 'no-key',
    tone: 'warning',
    message: key
      ? `${prefix}: requests to ${label} will fail — turn it on or replace it.`
      : `${prefix}: requests to ${label} will fail — add one.`,
  };
}

/** The provider-keys page's view of the store: one card model per provider, in display order. */
export function useProviderKeys(): {
  owner: ComputedRef<KeyOwner>;
  cards: ComputedRef<ProviderCardModel[]>;
  loading: ComputedRef<boolean>;
  loaded: ComputedRef<boolean>;
  error: ComputedRef<string | null>;
  statusesError: ComputedRef<string | null>;
  notFound: ComputedRef<boolean>;
  load: () => Promise<void>;
} {
  const store = useProviderKeysStore();
  const { owner, keys, statuses, loading, loaded, error, statusesError, notFound } = storeToRefs(store);

  const cards = computed<ProviderCardModel[]>(() =>
    PROVIDER_IDS.map((provider) => {
      const key = keys.value.find((candidate) => candidate.provider === provider) ?? null;
      const status = statuses.value.find((candidate) => candidate.provider === provider) ?? null;
      return {
        provider,
        label: PROVIDER_LABELS[provider],
        key,
        status,
        coverage: describeCoverage(provider, key, status, owner.value.kind),
        consoleUrl: PROVIDER_CONSOLE_URLS[provider],
      };
    }),
  );

  return {
    owner: computed(() => owner.value),
    cards,
    loading: computed(() => loading.value),
    loaded: computed(() => loaded.value),
    error: computed(() => error.value),
    statusesError: computed(() => statusesError.value),
    notFound: computed(() => notFound.value),
    load: () => store.hydrate(),
  };
}
