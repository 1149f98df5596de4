import { createHash } from 'node:crypto';
import type { ProviderId } from '@uniroute/shared';

/**
 * A cache key that stands for a provider credential without holding it: per-credential caches
 * (the model lists) must not keep plaintext keys as map keys, where a heap dump would show them.
 * Not a security boundary (the credential cache holds the keys anyway), so a plain SHA-256 is enough.
 */
export function credentialCacheKey(provider: ProviderId, apiKey: string): string {
  return `${provider}:${createHash('sha256').update(apiKey).digest('base64url')}`;
}
