import { calcPrice, type Usage } from '@pydantic/genai-prices';
import type { ProviderId } from '@uniroute/shared';
import type { TokenUsage } from './token-usage.js';

/** genai-prices names the providers as their APIs are known; Gemini's is `google`. */
const CATALOG_PROVIDER: Record<ProviderId, string> = { openai: 'openai', anthropic: 'anthropic', google: 'google' };

const DAY_MS = 24 * 60 * 60 * 1000;
/** (provider, model) pairs remembered per process: model names come from clients, so the memo is bounded. */
const MAX_MODELS = 10_000;
/** The widest step a price line is measured over (tokens): wide steps keep the rounding of the differences negligible. */
const FIT_STEP = 1_000_000;

/** One model's price within one input tier on one day: `base + Σ rate × tokens`, in US dollars. */
interface PriceLine {
  readonly base: number;
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/** What the catalog says about one (provider, model). */
interface CatalogModel {
  /** The model has time-of-day prices (off-peak discounts): every request asks the catalog. */
  readonly timeOfDay: boolean;
  /** The UTC day (days since 1970) `tierStarts` and `lines` hold for. */
  day: number;
  /** Input-token counts above which a tiered price changes, ascending. */
  tierStarts: number[];
  /** Per tier: its line, `null` when the tier is too narrow to measure (asked per request), unset until first needed. */
  lines: Array<PriceLine | null | undefined>;
}

interface Tokens {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
}

/**
 * The estimated cost of one request in US dollars, from the price catalog of `@pydantic/genai-prices` (bundled
 * data, no network at run time; tiered and cached-token prices included). `null` when the catalog does not know
 * the model or the provider reported no tokens. Called when the usage log is written, never on the request path.
 *
 * A catalog lookup (`calcPrice`) matches the model name against the provider's whole list and walks its price
 * units: 10 to 20 µs, per request. Within one input-token tier, on one day, a model's price is an affine function
 * of the four token counts (the catalog multiplies each count, less the more specific counts it contains, by a
 * price per million; a tier is chosen by the input count; `start_date` prices change at UTC midnight). So each
 * (provider, model) is looked up once, and each of its tiers is measured once a day with five catalog calls; a
 * request then costs four multiplications. Time-of-day prices and token counts the catalog would refuse (more
 * cached than prompt tokens) still go to the catalog, per request.
 */
export class UsageCostEstimator {
  private readonly models = new Map<string, CatalogModel | null>();

  estimate(provider: ProviderId, model: string | null, usage: TokenUsage, at: number): number | null {
    if (model === null || (usage.promptTokens === null && usage.completionTokens === null)) return null;
    const key = `${provider}/${model}`;
    let known = this.models.get(key);
    if (known === undefined) {
      known = lookUp(provider, model, at);
      if (this.models.size < MAX_MODELS) this.models.set(key, known);
    }
    if (known === null) return null;
    const tokens: Tokens = { input: usage.promptTokens ?? 0, output: usage.completionTokens ?? 0, cacheRead: usage.cachedTokens ?? 0, cacheWrite: usage.cacheWriteTokens ?? 0 };
    if (known.timeOfDay || tokens.cacheRead + tokens.cacheWrite > tokens.input) return catalogPrice(provider, model, tokens, at);

    const day = Math.floor(at / DAY_MS);
    if (known.day !== day) startDay(known, day, provider, model, at);
    let tier = 0;
    while (tier < known.tierStarts.length && tokens.input > known.tierStarts[tier]!) tier += 1;
    let line = known.lines[tier];
    if (line === undefined) line = known.lines[tier] = measureLine(known.tierStarts, tier, provider, model, at);
    if (line === null) return catalogPrice(provider, model, tokens, at);
    return line.base + line.input * tokens.input + line.output * tokens.output + line.cacheRead * tokens.cacheRead + line.cacheWrite * tokens.cacheWrite;
  }
}

function lookUp(provider: ProviderId, model: string, at: number): CatalogModel | null {
  const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId: CATALOG_PROVIDER[provider], timestamp: new Date(at) });
  if (found === null) return null;
  const prices = found.model.prices;
  const timeOfDay = Array.isArray(prices) && prices.some((price) => price.constraint?.type === 'time_of_date');
  return { timeOfDay, day: Number.NaN, tierStarts: [], lines: [] };
}

/** The model's prices on `day`: where its tiers start; lines are measured as requests need them. */
function startDay(known: CatalogModel, day: number, provider: ProviderId, model: string, at: number): void {
  const found = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId: CATALOG_PROVIDER[provider], timestamp: new Date(at) });
  const starts = new Set<number>();
  for (const price of Object.values(found?.model_price ?? {})) {
    if (typeof price === 'object') for (const tier of price.tiers) starts.add(tier.start);
  }
  known.day = day;
  known.tierStarts = [...starts].sort((a, b) => a - b);
  known.lines = [];
}

/** The line of input tier `tier` (input counts above `starts[tier - 1]`, up to `starts[tier]`), from five catalog prices in it. */
function measureLine(starts: number[], tier: number, provider: ProviderId, model: string, at: number): PriceLine | null {
  const lower = tier === 0 ? 0 : starts[tier - 1]! + 1;
  const upper = tier < starts.length ? starts[tier]! : Number.POSITIVE_INFINITY;
  const step = Math.min(FIT_STEP, upper - lower);
  if (!(step >= 1)) return null;
  const price = (input: number, output: number, cacheRead: number, cacheWrite: number) => catalogPrice(provider, model, { input, output, cacheRead, cacheWrite }, at);
  const low = price(lower, 0, 0, 0);
  const high = price(lower + step, 0, 0, 0);
  const withOutput = price(lower, step, 0, 0);
  const withCacheRead = price(lower + step, 0, step, 0);
  const withCacheWrite = price(lower + step, 0, 0, step);
  if (low === null || high === null || withOutput === null || withCacheRead === null || withCacheWrite === null) return null;
  const input = (high - low) / step;
  return {
    base: low - input * lower,
    input,
    output: (withOutput - low) / step,
    cacheRead: (withCacheRead - high) / step,
    cacheWrite: (withCacheWrite - high) / step,
  };
}

/** The catalog's own answer; `null` for a model it does not know or counts it refuses. */
function catalogPrice(provider: ProviderId, model: string, tokens: Tokens, at: number): number | null {
  const usage: Usage = { input_tokens: tokens.input, output_tokens: tokens.output };
  if (tokens.cacheRead) usage['cache_read_tokens'] = tokens.cacheRead;
  if (tokens.cacheWrite) usage['cache_write_tokens'] = tokens.cacheWrite;
  try {
    return calcPrice(usage, model, { providerId: CATALOG_PROVIDER[provider], timestamp: new Date(at) })?.total_price ?? null;
  } catch {
    // e.g. more cached than prompt tokens: no price for this request, rather than a failed batch.
    return null;
  }
}
