import { Inject, Injectable } from '@nestjs/common';
import { KEY_ID_HEADER, PROVIDER_LABELS, TEAM_ID_HEADER, type FallbackPolicy, type KeySource, type ProviderId } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { KeyOwner } from '../crypto/crypto.service.js';
import { ProviderKeysService, unusableMessage, usableKey, type OwnerKeyState, type StoredKeyState } from '../provider-keys/provider-keys.service.js';
import { RequestKeyBudget, type HeldResponse, type RequestKeyHold } from '../provider-keys/request-key-budget.js';
import { ServerKeyRationRefusal, ServerKeyRationService } from '../quotas/server-key-ration.service.js';

/**
 * Who is calling, as the API key says (§9): `teamId` set for a team API key, whose requests bill the team —
 * the team's keys and policy, never the user's own; absent for a personal key, which never uses a team's.
 */
export interface KeyCaller {
  readonly userId: string;
  readonly teamId?: string;
}

/** The key a request goes upstream with, and whose it is. */
export interface ResolvedCredential {
  readonly apiKey: string;
  readonly keySource: KeySource;
  /** `x-uniroute-team-id` (§9): the team a team API key's request was billed to (its key or the server key). */
  readonly teamId?: string;
  /** `x-uniroute-key-id` (§8): the stored key's id, `server` or `request`. */
  readonly keyId: string;
  /** Set for a stored key: what the provider answers goes back to its health. */
  readonly storedKey?: StoredKeyState;
  /**
   * Set for a key not yet known to be good — a per-request key, or a stored key on its first use (health
   * `unverified`): what the provider answers settles its key test (PROVIDER_KEY_TESTS_PER_HOUR).
   */
  readonly keyTestHold?: RequestKeyHold;
}

/** How a caller uses the credential. */
export interface ResolveOptions {
  /**
   * `false` when the caller may not go upstream with it (a cached `/v1/models` list): it then counts a server
   * key itself with `rationServerKey` when it does. Default `true`.
   */
  readonly rationed?: boolean;
  /** `x-uniroute-byok: required`: this one request is `byok_only`, whatever the stored policy. */
  readonly byokRequired?: boolean;
  /** `x-uniroute-provider-key`: the caller's key for this one request, used as it is and never stored. */
  readonly requestKey?: string;
  /**
   * The response the credential serves (required with `requestKey`): the hold of a key not yet known to be good on the
   * key-test budget ends when it closes.
   */
  readonly response?: HeldResponse;
}

/** Where users add their keys, named in errors so the fix is one click away. */
export const PROVIDER_KEYS_PAGE = '/settings/provider-keys';

/** The response headers that say whose key a request used (§5, §8, §9): every gateway route sets them from here. */
export function credentialHeaders(credential: ResolvedCredential): Record<string, string> {
  return {
    'x-uniroute-key-source': credential.keySource,
    [KEY_ID_HEADER]: credential.keyId,
    ...(credential.teamId ? { [TEAM_ID_HEADER]: credential.teamId } : {}),
  };
}

/**
 * THE place a request's provider key is chosen (§5, §8, §9): API key → owner → policy → health → key.
 * The owner is the API key's: a team API key's requests use the team's stored key and the team's policy
 * (`x-uniroute-key-source: team`), a personal key's the user's. The server key is rationed per calling
 * USER either way, so joining teams never multiplies anyone's `SERVER_KEY_RPM`.
 * A key sent with the request wins (it is the caller's own, for this request). Otherwise the owner's
 * policy for the provider (`byok_only` when the request says `x-uniroute-byok: required`) decides
 * between their stored key — skipped while its health says so — and the server key, which is still
 * subject to `ALLOW_SERVER_KEY_FALLBACK` and rationed right where it is chosen (`SERVER_KEY_RPM`, §12).
 * Nothing usable → a 401 that says why. Warm requests read only the provider-key cache.
 */
@Injectable()
export class CredentialResolver {
  constructor(
    private readonly providerKeys: ProviderKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ration: ServerKeyRationService,
    private readonly requestKeys: RequestKeyBudget,
  ) {}

  /** `requestId` only labels the log line written if the user's stored key turns out unusable. */
  async resolve(caller: KeyCaller, provider: ProviderId, requestId?: string, options: ResolveOptions = {}): Promise<ResolvedCredential> {
    const { userId, teamId } = caller;
    const team = teamId ? { teamId } : {};
    if (options.requestKey !== undefined) {
      if (!options.response) throw new Error('a per-request key is resolved with the response it serves');
      // Only requests carrying a key not yet known to be good pay a query: the warm path without the header has none.
      const keyTestHold = await this.requestKeys.hold(userId, provider, options.requestKey, options.response);
      return { apiKey: options.requestKey, keySource: 'request', keyId: 'request', keyTestHold, ...team };
    }
    const owner: KeyOwner = teamId ? { kind: 'team', id: teamId } : { kind: 'user', id: userId };
    const state = await this.providerKeys.ownerKeyState(owner, provider, requestId);
    const policy: FallbackPolicy = options.byokRequired ? 'byok_only' : state.policy;
    const serverKey = this.config.providers[provider].serverKey;
    // The server key this request may fall back to: none under `byok_only` or with ALLOW_SERVER_KEY_FALLBACK=false.
    const fallbackKey = policy !== 'byok_only' && this.config.allowServerKeyFallback ? serverKey : undefined;
    if (policy !== 'server_only') {
      if (state.key.kind === 'unusable') throw new GatewayError('provider_key_unusable', unusableMessage(provider, owner.kind));
      const own = usableKey(state);
      if (own) {
        const keyTestHold = await this.holdUntriedKey(userId, provider, own, options, Boolean(fallbackKey));
        if (keyTestHold !== 'budget-spent') {
          this.providerKeys.markUsed(own);
          return {
            apiKey: own.credential.apiKey,
            keySource: teamId ? 'team' : 'user',
            keyId: own.credential.providerKeyId,
            storedKey: own,
            ...(keyTestHold ? { keyTestHold } : {}),
            ...team,
          };
        }
      }
    }
    if (fallbackKey) {
      if (options.rationed !== false) await this.ration.admit(userId, provider);
      return { apiKey: fallbackKey, keySource: 'server', keyId: 'server', ...team };
    }
    throw new GatewayError('provider_key_missing', noUsableKeyMessage(provider, policy, state, options, Boolean(serverKey), teamId));
  }

  /**
   * A stored key the provider has not yet accepted (health `unverified`: new, or replaced) is tried out on the caller's
   * key-test budget like a per-request key: else saving candidate keys and calling with them (the answer, or the health
   * on the settings page) checks keys without limit. Counted before the call, so neither a replacement racing the
   * answer nor many keys saved first and used after gets past it; given back when the provider accepts, and a key
   * accepted once skips it. With the budget spent, the policy's server key serves meanwhile (`budget-spent`); under
   * `byok_only` the budget's 429 stands.
   */
  private async holdUntriedKey(
    userId: string,
    provider: ProviderId,
    key: StoredKeyState,
    options: ResolveOptions,
    serverKeyCanServe: boolean,
  ): Promise<RequestKeyHold | 'budget-spent' | undefined> {
    if (key.health !== 'unverified' || !options.response) return undefined;
    try {
      return await this.requestKeys.hold(userId, provider, key.credential.apiKey, options.response);
    } catch (error) {
      if (serverKeyCanServe && error instanceof GatewayError && error.code === 'rate_limit_exceeded') return 'budget-spent';
      throw error;
    }
  }

  /**
   * After the provider refused the stored key a request used (its health already says so): the credential the
   * policy allows instead, for one retry — or `null` when there is none, and the provider's own error stands.
   * Over the server-key ration is still a 429.
   */
  async fallbackAfterRejection(caller: KeyCaller, provider: ProviderId, failed: ResolvedCredential, requestId?: string, options: ResolveOptions = {}): Promise<ResolvedCredential | null> {
    if (failed.keySource !== 'user' && failed.keySource !== 'team') return null;
    try {
      const next = await this.resolve(caller, provider, requestId, { ...options, requestKey: undefined });
      return next.keyId === failed.keyId ? null : next;
    } catch (error) {
      if (error instanceof ServerKeyRationRefusal) throw error;
      if (error instanceof GatewayError) return null;
      throw error;
    }
  }

  /**
   * What the provider answered (the status the adapter read: Gemini's `API_KEY_INVALID` 400 is a 401), success or not,
   * to a request whose key was not yet known to be good (a per-request key, a stored key on its first use): a refusal
   * (401/403) keeps the key test counted before the call (§12), so probing candidate keys through free routes stops at
   * `PROVIDER_KEY_TESTS_PER_HOUR`; an accepted key gives it back and skips the budget from then on. Nothing for any
   * other credential.
   */
  async reportUpstreamStatus(credential: ResolvedCredential, status: number): Promise<void> {
    await credential.keyTestHold?.answered(status);
  }

  /** Counts one upstream request on a server key resolved with `rationed: false`; nothing for the user's own key. */
  async rationServerKey(userId: string, provider: ProviderId, credential: ResolvedCredential): Promise<void> {
    if (credential.keySource === 'server') await this.ration.admit(userId, provider);
  }
}

/**
 * Why nothing could serve the request, in the terms the caller can act on. For a team API key (§9) it is about the
 * team's key and policy, and says that the caller's own key is never used for it.
 */
function noUsableKeyMessage(
  provider: ProviderId,
  policy: FallbackPolicy,
  state: OwnerKeyState,
  options: ResolveOptions,
  serverKeyConfigured: boolean,
  teamId: string | undefined,
): string {
  const label = PROVIDER_LABELS[provider];
  const serverWhy = serverKeyConfigured ? 'this gateway does not share its server key (ALLOW_SERVER_KEY_FALLBACK=false)' : 'this gateway has no server key for it';
  const whose = teamId ? "the team's" : 'your';
  const fix = teamId
    ? ` This is a team API key: it uses only the team's keys, never your own; a team admin manages them at /admin/teams/${teamId}/provider-keys.`
    : '';
  if (policy === 'server_only') {
    const change = teamId ? '' : ` Change the policy or add your key at ${PROVIDER_KEYS_PAGE}.`;
    return `No ${label} API key: ${whose} fallback policy for ${label} is server_only and ${serverWhy}.${change}${fix}`;
  }
  const own =
    state.key.kind === 'stored'
      ? `${whose} ${label} key is skipped: ${state.key.healthReason ?? state.key.health}${state.key.health === 'rate_limited' && state.key.healthUntil ? ` It is used again after ${state.key.healthUntil.toISOString()}.` : ''}`
      : teamId
        ? `the team has not added a ${label} key (or it is switched off)`
        : `you have not added a ${label} key (or it is switched off)`;
  if (policy === 'byok_only') {
    const why = options.byokRequired ? 'this request sent x-uniroute-byok: required' : `${whose} fallback policy for ${label} is byok_only`;
    if (teamId) return `No usable team ${label} API key: ${own} and ${why}, so the server key is never used.${fix}`;
    return `No usable ${label} API key of yours: ${own} and ${why}, so the server key is never used. Add or replace your key at ${PROVIDER_KEYS_PAGE}.`;
  }
  if (teamId) return `No ${label} API key: ${own} and ${serverWhy}.${fix}`;
  return `No ${label} API key: ${own} and ${serverWhy}. Add your ${label} key at ${PROVIDER_KEYS_PAGE}.`;
}
