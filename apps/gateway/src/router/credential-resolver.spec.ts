import { FALLBACK_POLICIES, type FallbackPolicy, type KeyHealth } from '@uniroute/shared';
import { describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { AppConfig } from '../config/app-config.js';
import type { OwnerKeyState, ProviderKeysService, StoredKeyState } from '../provider-keys/provider-keys.service.js';
import type { HeldResponse, RequestKeyBudget } from '../provider-keys/request-key-budget.js';
import type { ServerKeyRationService } from '../quotas/server-key-ration.service.js';
import { CredentialResolver, credentialHeaders, type KeyCaller, type ResolveOptions } from './credential-resolver.js';

const OWN_KEY = 'sk-own-key-of-the-user-0001';
const SERVER_KEY = 'sk-server-key-of-the-operator-0002';
const REQUEST_KEY = 'sk-request-key-for-one-call-0003';
const KEY_ID = '8a0f3c2e-0000-4000-8000-000000000001';
const PERSONAL: KeyCaller = { userId: 'user-1' };
/** A team API key's caller (§9): the same user, billing team-1. */
const TEAM: KeyCaller = { userId: 'user-1', teamId: 'team-1' };
const CALLERS = [
  { caller: PERSONAL, name: 'personal key' },
  { caller: TEAM, name: 'team key' },
];

type KeyCase = 'none' | 'unusable' | KeyHealth | 'rate_limited_expired';
const KEY_CASES: readonly KeyCase[] = ['none', 'unusable', 'unverified', 'ok', 'rejected', 'quota_exhausted', 'rate_limited', 'rate_limited_expired'];

function stateOf(policy: FallbackPolicy, keyCase: KeyCase): OwnerKeyState {
  if (keyCase === 'none' || keyCase === 'unusable') return { policy, key: { kind: keyCase } };
  const health: KeyHealth = keyCase === 'rate_limited_expired' ? 'rate_limited' : keyCase;
  const until = keyCase === 'rate_limited' ? new Date(Date.now() + 60_000) : keyCase === 'rate_limited_expired' ? new Date(Date.now() - 1_000) : null;
  const key: StoredKeyState = { kind: 'stored', owner: { kind: 'user', id: 'user-1' }, credential: { apiKey: OWN_KEY, providerKeyId: KEY_ID }, health, healthUntil: until, healthReason: null, fingerprint: 'f' };
  return { policy, key };
}

function sut(state: OwnerKeyState, server: { configured: boolean; fallback: boolean }) {
  const providerKeys = { ownerKeyState: vi.fn(async () => state), markUsed: vi.fn() };
  const answered = vi.fn(async (_status: number) => undefined);
  const requestKeys = { hold: vi.fn(async () => ({ answered })) };
  const ration = { admit: vi.fn(async () => undefined) };
  const config = {
    allowServerKeyFallback: server.fallback,
    providers: { anthropic: { baseUrl: 'http://stand-in', serverKey: server.configured ? SERVER_KEY : undefined } },
  } as unknown as AppConfig;
  const resolver = new CredentialResolver(providerKeys as unknown as ProviderKeysService, config, ration as unknown as ServerKeyRationService, requestKeys as unknown as RequestKeyBudget);
  return { resolver, providerKeys, ration, requestKeys, answered };
}

/** §8 and §9 in one function: what serves a request, or which error. The state is the API key's owner's. */
function expected(caller: KeyCaller, policy: FallbackPolicy, keyCase: KeyCase, server: { configured: boolean; fallback: boolean }, options: ResolveOptions): string {
  if (options.requestKey) return 'request';
  const effective = options.byokRequired ? 'byok_only' : policy;
  if (effective !== 'server_only') {
    if (keyCase === 'unusable') return 'provider_key_unusable';
    if (keyCase === 'unverified' || keyCase === 'ok' || keyCase === 'rate_limited_expired') return caller.teamId ? 'team' : 'user';
  }
  if (effective !== 'byok_only' && server.configured && server.fallback) return 'server';
  return 'provider_key_missing';
}

const SERVERS = [
  { configured: true, fallback: true },
  { configured: true, fallback: false },
  { configured: false, fallback: true },
];
/** The response a request key's hold lasts for (the resolver only hands it on). */
const RESPONSE = { once: vi.fn(), destroyed: false, writableFinished: false } as unknown as HeldResponse;
const OPTIONS: ResolveOptions[] = [{}, { byokRequired: true }, { requestKey: REQUEST_KEY, response: RESPONSE }];

describe(CredentialResolver.name, () => {
  const table = FALLBACK_POLICIES.flatMap((policy) =>
    KEY_CASES.flatMap((keyCase) => SERVERS.flatMap((server) => OPTIONS.flatMap((options) => CALLERS.map(({ caller, name }) => ({ policy, keyCase, server, options, caller, name }))))),
  );

  it.each(table)('$name: $policy × key $keyCase × server $server × $options', async ({ policy, keyCase, server, options, caller }) => {
    const { resolver, providerKeys, ration, requestKeys } = sut(stateOf(policy, keyCase), server);
    const want = expected(caller, policy, keyCase, server, options);
    const outcome = await resolver.resolve(caller, 'anthropic', 'req-1', options).catch((error: unknown) => error);
    if (want === 'provider_key_missing' || want === 'provider_key_unusable') {
      expect(outcome).toBeInstanceOf(GatewayError);
      expect((outcome as GatewayError).code).toBe(want);
      expect((outcome as GatewayError).status).toBe(401);
      expect((outcome as GatewayError).message).not.toContain(OWN_KEY);
      if (caller.teamId) expect((outcome as GatewayError).message).toMatch(/team/);
      expect(ration.admit).not.toHaveBeenCalled();
      return;
    }
    // Who pays is the API key's: a team key asks only for the team's state, a personal key only for the user's.
    if (want !== 'request') {
      expect(providerKeys.ownerKeyState).toHaveBeenCalledTimes(1);
      expect(providerKeys.ownerKeyState).toHaveBeenCalledWith(caller.teamId ? { kind: 'team', id: 'team-1' } : { kind: 'user', id: 'user-1' }, 'anthropic', 'req-1');
    }
    const headers = credentialHeaders(outcome as Parameters<typeof credentialHeaders>[0]);
    expect(headers['x-uniroute-key-source']).toBe(want);
    expect(headers['x-uniroute-team-id']).toBe(caller.teamId);
    expect(outcome).toMatchObject({ keySource: want });
    const credential = outcome as { apiKey: string; keyId: string };
    if (want === 'user' || want === 'team') {
      expect(credential).toMatchObject({ apiKey: OWN_KEY, keyId: KEY_ID });
      expect(providerKeys.markUsed).toHaveBeenCalledTimes(1);
    }
    if (want === 'server') {
      expect(credential).toMatchObject({ apiKey: SERVER_KEY, keyId: 'server' });
      // Rationed per calling USER, team key or not: joining teams never multiplies anyone's SERVER_KEY_RPM.
      expect(ration.admit).toHaveBeenCalledWith('user-1', 'anthropic');
    }
    if (want === 'request') {
      expect(credential).toMatchObject({ apiKey: REQUEST_KEY, keyId: 'request' });
      expect(providerKeys.ownerKeyState).not.toHaveBeenCalled();
      expect(requestKeys.hold).toHaveBeenCalledWith('user-1', 'anthropic', REQUEST_KEY, RESPONSE);
    } else {
      // The key-test budget is touched only for requests carrying a key: the warm path without one has no query.
      expect(requestKeys.hold).not.toHaveBeenCalled();
    }
    if (want !== 'server') expect(ration.admit).not.toHaveBeenCalled();
  });

  it('a request key over the key-test budget is refused before it is used; what the provider answers goes to its hold only', async () => {
    const { resolver, requestKeys, answered } = sut(stateOf('byok_then_server', 'none'), { configured: true, fallback: true });
    const exhausted = new GatewayError('rate_limit_exceeded', 'Too many provider-key tests');
    requestKeys.hold.mockRejectedValueOnce(exhausted);
    await expect(resolver.resolve({ userId: 'u' }, 'anthropic', undefined, { requestKey: REQUEST_KEY, response: RESPONSE })).rejects.toBe(exhausted);
    await expect(resolver.resolve({ userId: 'u' }, 'anthropic', undefined, { requestKey: REQUEST_KEY })).rejects.toThrow(/response/);

    const request = await resolver.resolve({ userId: 'u' }, 'anthropic', undefined, { requestKey: REQUEST_KEY, response: RESPONSE });
    const server = await resolver.resolve({ userId: 'u' }, 'anthropic');
    for (const status of [200, 401, 403]) await resolver.reportUpstreamStatus(server, status);
    expect(answered).not.toHaveBeenCalled();
    for (const status of [200, 401]) await resolver.reportUpstreamStatus(request, status);
    expect(answered.mock.calls).toEqual([[200], [401]]);
  });

  it('says why in the 401: the policy, the header, or the skipped key', async () => {
    const message = async (policy: FallbackPolicy, keyCase: KeyCase, options: ResolveOptions = {}) =>
      ((await sut(stateOf(policy, keyCase), { configured: true, fallback: true }).resolver.resolve({ userId: 'u' }, 'anthropic', undefined, options).catch((error: unknown) => error)) as GatewayError).message;
    expect(await message('byok_only', 'none')).toMatch(/fallback policy for Anthropic is byok_only/);
    expect(await message('byok_then_server', 'none', { byokRequired: true })).toMatch(/x-uniroute-byok: required/);
    const skipped = await message('byok_only', 'rate_limited');
    expect(skipped).toMatch(/skipped/);
    expect(skipped).toMatch(/used again after/);
  });

  it('after a rejection, falls back once to what the policy allows, and never to the same key', async () => {
    const state = stateOf('byok_then_server', 'ok');
    const { resolver } = sut(state, { configured: true, fallback: true });
    const first = await resolver.resolve({ userId: 'u' }, 'anthropic');
    expect(first.keySource).toBe('user');
    // Still healthy (nothing reported): there is nothing else to try.
    expect(await resolver.fallbackAfterRejection({ userId: 'u' }, 'anthropic', first)).toBeNull();
    (state.key as StoredKeyState).health = 'rejected';
    expect(await resolver.fallbackAfterRejection({ userId: 'u' }, 'anthropic', first)).toMatchObject({ keySource: 'server' });

    const strict = stateOf('byok_only', 'ok');
    const onlyOwn = sut(strict, { configured: true, fallback: true }).resolver;
    const own = await onlyOwn.resolve({ userId: 'u' }, 'anthropic');
    (strict.key as StoredKeyState).health = 'rejected';
    expect(await onlyOwn.fallbackAfterRejection({ userId: 'u' }, 'anthropic', own)).toBeNull();
    expect(await onlyOwn.fallbackAfterRejection({ userId: 'u' }, 'anthropic', { apiKey: SERVER_KEY, keySource: 'server', keyId: 'server' })).toBeNull();
  });

  it("a team key's rejected stored key falls back to the server key per the team's policy, still billed to the team", async () => {
    const state = stateOf('byok_then_server', 'ok');
    const { resolver } = sut(state, { configured: true, fallback: true });
    const first = await resolver.resolve(TEAM, 'anthropic');
    expect(first).toMatchObject({ keySource: 'team', teamId: 'team-1' });
    (state.key as StoredKeyState).health = 'rejected';
    expect(await resolver.fallbackAfterRejection(TEAM, 'anthropic', first)).toMatchObject({ keySource: 'server', teamId: 'team-1' });
  });
});
