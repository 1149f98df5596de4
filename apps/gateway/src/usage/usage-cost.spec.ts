import { calcPrice, findProvider } from '@pydantic/genai-prices';
import type { ProviderId } from '@uniroute/shared';
import { describe, expect, it } from 'vitest';
import type { TokenUsage } from './token-usage.js';
import { UsageCostEstimator } from './usage-cost.js';

const PROVIDERS: ProviderId[] = ['openai', 'anthropic', 'google'];
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

/** What the estimator replaced: one catalog call per request. */
function catalog(provider: ProviderId, model: string, usage: TokenUsage, at: number): number | null {
  const result = calcPrice(
    {
      input_tokens: usage.promptTokens ?? 0,
      output_tokens: usage.completionTokens ?? 0,
      ...(usage.cachedTokens ? { cache_read_tokens: usage.cachedTokens } : {}),
      ...(usage.cacheWriteTokens ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    model,
    { providerId: provider, timestamp: new Date(at) },
  );
  return result === null ? null : result.total_price;
}

function usage(promptTokens: number, completionTokens: number, cachedTokens = 0, cacheWriteTokens = 0): TokenUsage {
  return { promptTokens, completionTokens, cachedTokens, cacheWriteTokens };
}

/** Every model the catalog lists for our providers, with its tier edges and the instants its prices change. */
function catalogModels(): Array<{ provider: ProviderId; model: string; edges: number[]; changes: number[] }> {
  const models = [];
  for (const provider of PROVIDERS) {
    for (const info of findProvider({ providerId: provider })?.models ?? []) {
      const variants = Array.isArray(info.prices) ? info.prices : [{ prices: info.prices }];
      const edges = new Set<number>();
      const changes: number[] = [];
      for (const variant of variants) {
        for (const price of Object.values(variant.prices)) if (typeof price === 'object') for (const tier of price.tiers) edges.add(tier.start);
        const constraint = 'constraint' in variant ? variant.constraint : undefined;
        if (constraint?.type === 'start_date') changes.push(Date.parse(`${constraint.start_date}T00:00:00Z`));
      }
      models.push({ provider, model: info.id, edges: [...edges], changes });
    }
  }
  return models;
}

describe(UsageCostEstimator.name, () => {
  it('prices every catalog model of every provider as the catalog does: tiers, their edges, cached and cache-write tokens, dated prices', () => {
    const sut = new UsageCostEstimator();
    let random = 1;
    const next = (limit: number) => {
      random = (random * 16_807) % 2_147_483_647;
      return random % limit;
    };
    let compared = 0;
    for (const { provider, model, edges, changes } of catalogModels()) {
      const usages = [usage(0, 0), usage(1, 0), usage(0, 1), usage(1_000, 200), usage(5_000, 800, 4_000), usage(3_000, 10, 1_000, 500), usage(2_000_000, 50_000, 300_000, 100_000)];
      for (let index = 0; index < 6; index += 1) {
        const prompt = next(400_000);
        const cached = next(2) ? next(prompt + 1) : 0;
        usages.push(usage(prompt, next(20_000), cached, next(2) ? next(prompt - cached + 1) : 0));
      }
      for (const edge of edges) for (const prompt of [edge - 1, edge, edge + 1]) usages.push(usage(prompt, 100, Math.floor(prompt / 3), Math.floor(prompt / 5)));
      const instants = [NOW, ...changes.flatMap((change) => [change - 1, change, change + 3_600_000])];
      for (const at of instants) {
        for (const tokens of usages) {
          const expected = catalog(provider, model, tokens, at);
          const actual = sut.estimate(provider, model, tokens, at);
          if (expected === null) expect(actual, `${provider}/${model}`).toBeNull();
          else expect(Math.abs(actual! - expected), `${provider}/${model} ${JSON.stringify(tokens)} at ${new Date(at).toISOString()}`).toBeLessThanOrEqual(1e-12 * Math.max(1, expected));
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(1_000);
  });

  it('prices dated and prefixed model names the catalog matches, and answers null for unknown models or no tokens', () => {
    const sut = new UsageCostEstimator();
    for (const [provider, model] of [['openai', 'gpt-4o-2024-08-06'], ['anthropic', 'claude-3-5-haiku-20241022'], ['google', 'gemini-2.0-flash-001']] as const) {
      const tokens = usage(1_234, 567, 100);
      expect(sut.estimate(provider, model, tokens, NOW)).toBeCloseTo(catalog(provider, model, tokens, NOW)!, 14);
    }
    expect(sut.estimate('openai', 'no-such-model-anywhere', usage(10, 10), NOW)).toBeNull();
    expect(sut.estimate('openai', 'no-such-model-anywhere', usage(10, 10), NOW)).toBeNull();
    expect(sut.estimate('openai', null, usage(10, 10), NOW)).toBeNull();
    expect(sut.estimate('openai', 'gpt-4o-mini', { promptTokens: null, completionTokens: null, cachedTokens: null, cacheWriteTokens: null }, NOW)).toBeNull();
  });

  it('answers null for counts the catalog refuses (more cached than prompt tokens) instead of throwing', () => {
    const sut = new UsageCostEstimator();
    expect(() => catalog('openai', 'gpt-4o-mini', usage(10, 5, 50), NOW)).toThrow();
    expect(sut.estimate('openai', 'gpt-4o-mini', usage(10, 5, 50), NOW)).toBeNull();
    expect(sut.estimate('openai', 'gpt-4o-mini', usage(100, 5, 50), NOW)).toBeCloseTo(catalog('openai', 'gpt-4o-mini', usage(100, 5, 50), NOW)!, 14);
  });
});
