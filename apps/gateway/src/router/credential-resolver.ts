import { Inject, Injectable } from '@nestjs/common';
import { PROVIDER_LABELS, type FallbackPolicy, type KeySource, type ProviderId } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProviderKeysService, unusableMessage, usableKey, type OwnerKeyState, type StoredKeyState } from '../provider-keys/provider-keys.service.js';
import { ServerKeyRationExceededError, ServerKeyRationService } from '../quotas/server-key-ration.service.js';

/** The key a request goes upstream with, and whose it is. */
export interface ResolvedCredential {
  readonly apiKey: string;
  readonly keySource: KeySource;
  /** `x-uniroute-key-id` (§8): the stored key's id, `server` or `request`. */
  readonly keyId: string;
  /** Set for a stored key: what the provider answers goes back to its health. */
  readonly storedKey?: StoredKeyState;
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
}

/** Where users add their keys, named in errors so the fix is one click away. */
export const PROVIDER_KEYS_PAGE = '/settings/provider-keys';

/**
 * THE place a request's provider key is chosen (§5, §8): API key → owner → policy → health → key.
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
  ) {}

  /** `requestId` only labels the log line written if the user's stored key turns out unusable. */
  async resolve(userId: string, provider: ProviderId, requestId?: string, options: ResolveOptions = {}): Promise<ResolvedCredential> {
    if (options.requestKey !== undefined) {
      // Only requests carrying a key pay this read: the warm path without the header stays free of queries.
      await this.providerKeys.assertRequestKeyBudget(userId);
      return { apiKey: options.requestKey, keySource: 'request', keyId: 'request' };
    }
    const state = await this.providerKeys.ownerKeyState(userId, provider, requestId);
    const policy: FallbackPolicy = options.byokRequired ? 'byok_only' : state.policy;
    if (policy !== 'server_only') {
      if (state.key.kind === 'unusable') throw new GatewayError('provider_key_unusable', unusableMessage(provider));
      const own = usableKey(state);
      if (own) {
        this.providerKeys.markUsed(own);
        return { apiKey: own.credential.apiKey, keySource: 'user', keyId: own.credential.providerKeyId, storedKey: own };
      }
    }
    const serverKey = this.config.providers[provider].serverKey;
    if (policy !== 'byok_only' && serverKey && this.config.allowServerKeyFallback) {
      if (options.rationed !== false) await this.ration.admit(userId, provider);
      return { apiKey: serverKey, keySource: 'server', keyId: 'server' };
    }
    throw new GatewayError('provider_key_missing', noUsableKeyMessage(provider, policy, state, options, Boolean(serverKey)));
  }

  /**
   * After the provider refused the stored key a request used (its health already says so): the credential the
   * policy allows instead, for one retry — or `null` when there is none, and the provider's own error stands.
   * Over the server-key ration is still a 429.
   */
  async fallbackAfterRejection(userId: string, provider: ProviderId, failed: ResolvedCredential, requestId?: string, options: ResolveOptions = {}): Promise<ResolvedCredential | null> {
    if (failed.keySource !== 'user') return null;
    try {
      const next = await this.resolve(userId, provider, requestId, { ...options, requestKey: undefined });
      return next.keyId === failed.keyId ? null : next;
    } catch (error) {
      if (error instanceof ServerKeyRationExceededError) throw error;
      if (error instanceof GatewayError) return null;
      throw error;
    }
  }

  /**
   * What the provider answered (the status the adapter read: Gemini's `API_KEY_INVALID` 400 is a 401) to a request
   * that used a per-request key: a refusal (401/403) spends one of the user's key tests (§12), so probing candidate
   * keys through free routes stops at `PROVIDER_KEY_TESTS_PER_HOUR`. Nothing for any other credential or status.
   */
  async reportUpstreamStatus(userId: string, credential: ResolvedCredential, status: number): Promise<void> {
    if (credential.keySource === 'request' && (status === 401 || status === 403)) await this.providerKeys.countRefusedRequestKey(userId);
  }

  /** Counts one upstream request on a server key resolved with `rationed: false`; nothing for the user's own key. */
  async rationServerKey(userId: string, provider: ProviderId, credential: ResolvedCredential): Promise<void> {
    if (credential.keySource === 'server') await this.ration.admit(userId, provider);
  }
}

/** Why nothing could serve the request, in the terms the user can act on. */
function noUsableKeyMessage(provider: ProviderId, policy: FallbackPolicy, state: OwnerKeyState, options: ResolveOptions, serverKeyConfigured: boolean): string {
  const label = PROVIDER_LABELS[provider];
  const serverWhy = serverKeyConfigured ? 'this gateway does not share its server key (ALLOW_SERVER_KEY_FALLBACK=false)' : 'this gateway has no server key for it';
  if (policy === 'server_only') {
    return `No ${label} API key: your fallback policy for ${label} is server_only and ${serverWhy}. Change the policy or add your key at ${PROVIDER_KEYS_PAGE}.`;
  }
  const own =
    state.key.kind === 'stored'
      ? `your ${label} key is skipped: ${state.key.healthReason ?? state.key.health}${state.key.health === 'rate_limited' && state.key.healthUntil ? ` It is used again after ${state.key.healthUntil.toISOString()}.` : ''}`
      : `you have not added a ${label} key (or it is switched off)`;
  if (policy === 'byok_only') {
    const why = options.byokRequired ? 'this request sent x-uniroute-byok: required' : `your fallback policy for ${label} is byok_only`;
    return `No usable ${label} API key of yours: ${own} and ${why}, so the server key is never used. Add or replace your key at ${PROVIDER_KEYS_PAGE}.`;
  }
  return `No ${label} API key: ${own} and ${serverWhy}. Add your ${label} key at ${PROVIDER_KEYS_PAGE}.`;
}
