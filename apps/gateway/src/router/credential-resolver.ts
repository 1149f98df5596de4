import { Inject, Injectable } from '@nestjs/common';
import { PROVIDER_LABELS, type KeySource, type ProviderId } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ProviderKeysService } from '../provider-keys/provider-keys.service.js';

/** The key a request goes upstream with, and whose it is. */
export interface ResolvedCredential {
  readonly apiKey: string;
  readonly keySource: KeySource;
}

/** Where users add their keys, named in errors so the fix is one click away. */
export const PROVIDER_KEYS_PAGE = '/settings/provider-keys';

/**
 * Credential resolution per request (§5): the caller's active key for the provider; else the
 * server's key unless fallback is off; else a 401 naming the provider and the settings page.
 */
@Injectable()
export class CredentialResolver {
  constructor(
    private readonly providerKeys: ProviderKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `requestId` only labels the log line written if the user's stored key turns out unusable. */
  async resolve(userId: string, provider: ProviderId, requestId?: string): Promise<ResolvedCredential> {
    const own = await this.providerKeys.resolveUserCredential(userId, provider, requestId);
    if (own) return { apiKey: own.apiKey, keySource: 'user' };
    const serverKey = this.config.providers[provider].serverKey;
    if (serverKey && this.config.allowServerKeyFallback) return { apiKey: serverKey, keySource: 'server' };
    const label = PROVIDER_LABELS[provider];
    const why = serverKey ? 'this gateway does not share its server key (ALLOW_SERVER_KEY_FALLBACK=false)' : 'this gateway has no server key for it';
    throw new GatewayError('provider_key_missing', `No ${label} API key: you have not added one and ${why}. Add your ${label} key at ${PROVIDER_KEYS_PAGE}.`);
  }
}
