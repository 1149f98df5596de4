import { Inject, Injectable } from '@nestjs/common';
import { PROVIDER_LABELS, type KeySource, type ProviderId } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProviderKeysService } from '../provider-keys/provider-keys.service.js';
import { ServerKeyRationService } from '../quotas/server-key-ration.service.js';

/** The key a request goes upstream with, and whose it is. */
export interface ResolvedCredential {
  readonly apiKey: string;
  readonly keySource: KeySource;
}

/** How a caller uses the credential. */
export interface ResolveOptions {
  /**
   * `false` when the caller may not go upstream with it (a cached `/v1/models` list): it then counts a server
   * key itself with `rationServerKey` when it does. Default `true`.
   */
  readonly rationed?: boolean;
}

/** Where users add their keys, named in errors so the fix is one click away. */
export const PROVIDER_KEYS_PAGE = '/settings/provider-keys';

/**
 * Credential resolution per request (§5): the caller's active key for the provider; else the
 * server's key unless fallback is off; else a 401 naming the provider and the settings page.
 * A server key is rationed right where it is chosen (`SERVER_KEY_RPM`, §12): over the limit → 429.
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
    const own = await this.providerKeys.resolveUserCredential(userId, provider, requestId);
    if (own) return { apiKey: own.apiKey, keySource: 'user' };
    const serverKey = this.config.providers[provider].serverKey;
    if (serverKey && this.config.allowServerKeyFallback) {
      if (options.rationed !== false) await this.ration.admit(userId, provider);
      return { apiKey: serverKey, keySource: 'server' };
    }
    const label = PROVIDER_LABELS[provider];
    const why = serverKey ? 'this gateway does not share its server key (ALLOW_SERVER_KEY_FALLBACK=false)' : 'this gateway has no server key for it';
    throw new GatewayError('provider_key_missing', `No ${label} API key: you have not added one and ${why}. Add your ${label} key at ${PROVIDER_KEYS_PAGE}.`);
  }

  /** Counts one upstream request on a server key resolved with `rationed: false`; nothing for the user's own key. */
  async rationServerKey(userId: string, provider: ProviderId, credential: ResolvedCredential): Promise<void> {
    if (credential.keySource === 'server') await this.ration.admit(userId, provider);
  }
}
