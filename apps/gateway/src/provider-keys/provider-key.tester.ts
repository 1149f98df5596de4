import { Inject, Injectable } from '@nestjs/common';
import { PROVIDER_LABELS, type KeySource, type ProviderId, type ProviderKeyTestResult } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { SecretMasker } from '../common/security/secret-masker.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PROVIDER_ADAPTERS } from '../providers/provider-registry.js';
import { UpstreamClient } from '../providers/upstream-client.js';
import { upstreamHeader } from '../providers/upstream-header.js';
import { readUpstreamBody } from '../providers/read-upstream-body.js';
import { healthFromUpstream, type HealthVerdict } from './key-health.js';

/** A test's answer and what it says about the key's health (§8): `null` when it says nothing (an outage). */
export interface ProbeResult {
  readonly result: ProviderKeyTestResult;
  readonly verdict: HealthVerdict | null;
}

/** A connection test should answer while the user watches the spinner. */
const TEST_TIMEOUT_MS = 15_000;

/**
 * Test connection (§4): calls the provider's free authenticated list-models endpoint with a key,
 * through the configured base URL, and reports what the provider said. Never throws for a
 * rejected key: `ok: false` carries the provider's reason.
 */
@Injectable()
export class ProviderKeyTester {
  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly masker: SecretMasker,
  ) {}

  async test(provider: ProviderId, apiKey: string, keySource: KeySource = 'user'): Promise<ProviderKeyTestResult> {
    return (await this.probe(provider, apiKey, keySource)).result;
  }

  /** `test`, plus the key's health as the provider's answer shows it: a success is `ok`. */
  async probe(provider: ProviderId, apiKey: string, keySource: KeySource = 'user'): Promise<ProbeResult> {
    const adapter = PROVIDER_ADAPTERS[provider];
    const request = adapter.listModelsRequest({ apiKey, keySource, baseUrl: this.config.providers[provider].baseUrl });
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
    try {
      const response = await this.upstream.send(provider, request, signal);
      const body = await readUpstreamBody(response.body);
      if (response.statusCode >= 200 && response.statusCode < 300) {
        const models = adapter.fromModelsResponse(body);
        const result = { ok: true, provider, latencyMs: latency(), status: response.statusCode, message: `Connected to ${PROVIDER_LABELS[provider]}: ${models.length} models available.` };
        return { result, verdict: { health: 'ok', reason: null, until: null } };
      }
      const error = adapter.toGatewayError(response.statusCode, body, { keySource, headers: response.headers });
      const verdict = healthFromUpstream(provider, error.status, body, upstreamHeader(response.headers, 'retry-after'), 'test');
      return { result: { ok: false, provider, latencyMs: latency(), status: response.statusCode, message: this.masker.mask(error.message, apiKey) }, verdict };
    } catch (error) {
      const message = signal.aborted
        ? `${PROVIDER_LABELS[provider]} did not answer within ${TEST_TIMEOUT_MS / 1000} s.`
        : error instanceof GatewayError
          ? this.masker.mask(error.message, apiKey)
          : `Could not reach ${PROVIDER_LABELS[provider]}.`;
      return { result: { ok: false, provider, latencyMs: latency(), status: null, message }, verdict: null };
    }
  }
}
