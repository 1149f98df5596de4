import { Inject, Injectable } from '@nestjs/common';
import { PROVIDER_IDS, REQUEST_KEY_HEADER, type ModelList, type ProviderId } from '@uniroute/shared';
import { LRUCache } from 'lru-cache';
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_LOGGER } from '../common/logging/logging.module.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PROVIDER_ADAPTERS } from '../providers/provider-registry.js';
import { readUpstreamBody } from '../providers/read-upstream-body.js';
import { resolveModel } from '../providers/resolve-model.js';
import { UpstreamClient } from '../providers/upstream-client.js';
import { upstreamHeader } from '../providers/upstream-header.js';
import type { HeldResponse } from '../provider-keys/request-key-budget.js';
import { TrafficKeyJudge } from '../provider-keys/traffic-key-judge.js';
import { ServerKeyRationRefusal } from '../quotas/server-key-ration.service.js';
import { credentialCacheKey } from './credential-cache-key.js';
import { CredentialResolver, type KeyCaller, type ResolvedCredential } from './credential-resolver.js';
import { gatewayRequestOptions } from './gateway-request-options.js';

/** Model lists change rarely; a minute keeps `/v1/models` cheap without going stale for long. */
const MODEL_LIST_TTL_MS = 60_000;
const LIST_TIMEOUT_MS = 10_000;

/**
 * `GET /v1/models` (§5): the models this caller can reach now — for each provider they have a
 * credential for (theirs or the server's), what that provider lists for that key. Ids that would
 * not route to their provider by name get the explicit `provider/` prefix, so every listed id works
 * as a `model` as it is.
 */
@Injectable()
export class ModelsService {
  private readonly cache = new LRUCache<string, string[]>({ max: 10_000, ttl: MODEL_LIST_TTL_MS });

  constructor(
    private readonly credentials: CredentialResolver,
    private readonly keyJudge: TrafficKeyJudge,
    private readonly upstream: UpstreamClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * `headers` carry the §8 request options. `x-uniroute-byok: required` keeps the server key out of every
   * provider's list. `x-uniroute-provider-key` is refused with a 400: a request key is for "the routed provider"
   * (§8) and this list spans every provider, so there is none it could apply to — and guessing would send the key
   * to providers it was never meant for.
   */
  async list(caller: KeyCaller, requestId: string, headers: IncomingHttpHeaders = {}): Promise<ModelList> {
    const { byokRequired, requestKey } = gatewayRequestOptions(headers, this.config);
    if (requestKey !== undefined) {
      throw new GatewayError(
        'invalid_request',
        `${REQUEST_KEY_HEADER} applies to one provider's request; GET /v1/models lists every provider. List one provider's models with its native route (e.g. GET /anthropic/v1/models) instead.`,
        { param: REQUEST_KEY_HEADER },
      );
    }
    const perProvider = await Promise.all(PROVIDER_IDS.map((provider) => this.listProvider(caller, provider, requestId, byokRequired === true)));
    return { object: 'list', data: perProvider.flat() };
  }

  private async listProvider(caller: KeyCaller, provider: ProviderId, requestId: string, byokRequired: boolean): Promise<ModelList['data']> {
    let ids: string[];
    // A stored key not yet known to be good is held on the caller's key-test budget for this one listing, as on the
    // other routes: else a list that comes back empty or not would check saved keys for free.
    const listing = new Listing();
    try {
      // Rationed only when the list is fetched: a cached list costs the server key nothing.
      const credential = await this.credentials.resolve(caller, provider, requestId, { rationed: false, byokRequired, response: listing });
      const cacheKey = credentialCacheKey(provider, credential.apiKey);
      const cached = this.cache.get(cacheKey);
      if (cached) {
        ids = cached;
      } else {
        await this.credentials.rationServerKey(caller.userId, provider, credential);
        ids = await this.fetchIds(caller, provider, credential, requestId);
      }
      this.cache.set(cacheKey, ids);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      // Over the server-key limit is the caller's to know (429 with Retry-After), not a silently shorter list.
      if (error instanceof ServerKeyRationRefusal) throw error;
      this.logger.debug({ reqId: requestId, provider, code: error.code }, 'models: provider not reachable for this caller');
      return [];
    } finally {
      listing.close();
    }
    return ids.map((id) => ({ id: routesTo(id, provider) ? id : `${provider}/${id}`, object: 'model' as const, created: 0, owned_by: provider }));
  }

  private async fetchIds(caller: KeyCaller, provider: ProviderId, credential: ResolvedCredential, requestId: string): Promise<string[]> {
    const { apiKey, keySource, storedKey } = credential;
    const adapter = PROVIDER_ADAPTERS[provider];
    const request = adapter.listModelsRequest({ apiKey, keySource, baseUrl: this.config.providers[provider].baseUrl });
    const response = await this.upstream.send(provider, request, AbortSignal.timeout(LIST_TIMEOUT_MS));
    const body = await readUpstreamBody(response.body);
    if (response.statusCode >= 400) {
      const error = adapter.toGatewayError(response.statusCode, body, { keySource, headers: response.headers });
      await this.credentials.reportUpstreamStatus(credential, error.status);
      // What the provider said about a stored key goes to its health, as on every other route (§8).
      if (storedKey) await this.keyJudge.judge(caller.userId, provider, storedKey, error.status, body, upstreamHeader(response.headers, 'retry-after'), requestId);
      throw error;
    }
    await this.credentials.reportUpstreamStatus(credential, response.statusCode);
    return adapter.fromModelsResponse(body);
  }
}

/** One provider's model listing, as the key-test budget holds it: over when the listing is (see RequestKeyBudget). */
class Listing extends EventEmitter implements HeldResponse {
  destroyed = false;
  writableFinished = false;

  close(): void {
    this.writableFinished = true;
    this.emit('close');
  }
}

function routesTo(model: string, provider: ProviderId): boolean {
  try {
    return resolveModel(model).provider === provider;
  } catch {
    return false;
  }
}
