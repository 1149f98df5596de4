import type { ProviderId } from '@uniroute/shared';
import { AnthropicAdapter } from './anthropic/anthropic.adapter.js';
import { GoogleAdapter } from './google/google.adapter.js';
import { OpenAIAdapter } from './openai/openai.adapter.js';
import type { ProviderAdapter } from './provider-adapter.js';

/**
 * Every provider's adapter by id. Adapters are stateless translators (per-stream state lives in the value
 * `createStreamState` returns), so one instance of each serves every request.
 */
export const PROVIDER_ADAPTERS: Readonly<Record<ProviderId, ProviderAdapter>> = Object.freeze({
  openai: new OpenAIAdapter(),
  anthropic: new AnthropicAdapter(),
  google: new GoogleAdapter(),
});
