import { calcPrice } from '@pydantic/genai-prices';
import type { ProviderId } from '@uniroute/shared';
import type { TokenUsage } from './token-usage.js';

/** genai-prices names the providers as their APIs are known; Gemini's is `google`. */
const CATALOG_PROVIDER: Record<ProviderId, string> = { openai: 'openai', anthropic: 'anthropic', google: 'google' };

/**
 * The estimated cost of one request in US dollars, from the price catalog of `@pydantic/genai-prices` (bundled
 * data, no network at run time; tiered and cached-token prices included). `null` when the catalog does not know
 * the model or the provider reported no tokens. Called when the usage log is written, never on the request path:
 * a catalog lookup costs a fraction of a millisecond. Models the catalog does not know are remembered, so an
 * unknown name is searched for once per process.
 */
export class UsageCostEstimator {
  private readonly unknownModels = new Set<string>();

  estimate(provider: ProviderId, model: string | null, usage: TokenUsage, at: Date): number | null {
    if (model === null || (usage.promptTokens === null && usage.completionTokens === null)) return null;
    const key = `${provider}/${model}`;
    if (this.unknownModels.has(key)) return null;
    const result = calcPrice(
      {
        input_tokens: usage.promptTokens ?? 0,
        output_tokens: usage.completionTokens ?? 0,
        ...(usage.cachedTokens ? { cache_read_tokens: usage.cachedTokens } : {}),
        ...(usage.cacheWriteTokens ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
      },
      model,
      { providerId: CATALOG_PROVIDER[provider], timestamp: at },
    );
    if (result === null) {
      if (this.unknownModels.size < 10_000) this.unknownModels.add(key);
      return null;
    }
    return result.total_price;
  }
}
