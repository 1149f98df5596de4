import { Injectable } from '@nestjs/common';
import type { ProviderId } from '@uniroute/shared';
import { LRUCache } from 'lru-cache';
import { healthFromUpstream, type HealthVerdict } from './key-health.js';
import { ProviderKeyTester } from './provider-key.tester.js';
import { ProviderKeysService, type StoredKeyState } from './provider-keys.service.js';

/** How long a checked 403 stands for its key: the provider is asked about one key at most once a minute. */
const FORBIDDEN_CHECK_TTL_MS = 60_000;
const FORBIDDEN_CHECK_KEYS = 10_000;

/**
 * What an upstream error on live traffic says about the stored key the request used (§8), made the key's health.
 *
 * A 401 is about the key, whatever was asked. A 403 may be about the request instead: Gemini answers 403 for a file
 * or cached content the key cannot reach ("You do not have permission to access the File … or it may not exist")
 * and for a model the key's project is not entitled to; OpenAI and Anthropic answer 403 for a model or resource the
 * key may not use. Taken as "key rejected", one request naming a file that does not exist would have any team member
 * switch the team's key off for everyone (until an admin tested it) and move the team onto the server key. So a 403
 * is checked with a request the gateway chooses — the connection test (§4), which any working key passes — and marks
 * the key rejected only when that is refused too; otherwise the client gets the provider's 403 and the key's health
 * stands. The check is shared by concurrent 403s and remembered for a minute per key, so 403s cannot be turned into
 * a flood of calls on someone's key.
 */
@Injectable()
export class TrafficKeyJudge {
  /** Key id and fingerprint → whether the provider refused the key itself (a replaced key is asked again). */
  private readonly forbiddenChecks = new LRUCache<string, Promise<boolean>>({ max: FORBIDDEN_CHECK_KEYS, ttl: FORBIDDEN_CHECK_TTL_MS });

  constructor(
    private readonly providerKeys: ProviderKeysService,
    private readonly tester: ProviderKeyTester,
  ) {}

  /**
   * The verdict an upstream error (`status` as the adapter read it) gives `key`, already applied to it, or `null`
   * when the error says nothing about the key (and the request should not be retried on a fallback).
   */
  async judge(userId: string, provider: ProviderId, key: StoredKeyState, status: number, body: unknown, retryAfter: string | undefined, requestId: string): Promise<HealthVerdict | null> {
    const verdict = healthFromUpstream(provider, status, body, retryAfter, 'request');
    if (!verdict) return null;
    if (verdict.health === 'rejected' && status === 403 && !(await this.keyItselfForbidden(provider, key))) return null;
    this.providerKeys.reportTraffic(userId, provider, key, verdict, requestId);
    return verdict;
  }

  private keyItselfForbidden(provider: ProviderId, key: StoredKeyState): Promise<boolean> {
    const cacheKey = `${key.credential.providerKeyId}:${key.fingerprint ?? ''}`;
    let check = this.forbiddenChecks.get(cacheKey);
    if (!check) {
      const keySource = key.owner.kind === 'team' ? 'team' : 'user';
      // A check that could not reach the provider says nothing: the key keeps its health.
      check = this.tester.probe(provider, key.credential.apiKey, keySource).then((probe) => probe.verdict?.health === 'rejected');
      this.forbiddenChecks.set(cacheKey, check);
    }
    return check;
  }
}
