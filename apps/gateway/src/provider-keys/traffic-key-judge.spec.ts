import { describe, expect, it, vi } from 'vitest';
import type { ProbeResult, ProviderKeyTester } from './provider-key.tester.js';
import type { ProviderKeysService, StoredKeyState } from './provider-keys.service.js';
import { TrafficKeyJudge } from './traffic-key-judge.js';

function storedKey(id = 'key-1', fingerprint = 'fp-1'): StoredKeyState {
  return {
    kind: 'stored',
    owner: { kind: 'team', id: 'team-1' },
    credential: { apiKey: 'AIza-team-key', providerKeyId: id },
    health: 'ok',
    healthUntil: null,
    healthReason: null,
    fingerprint,
  };
}

function judgeWith(probeHealth: 'ok' | 'rejected' | null) {
  let release!: () => void;
  const answered = new Promise<void>((resolve) => (release = resolve));
  const probe = vi.fn(async (): Promise<ProbeResult> => {
    await answered;
    const verdict = probeHealth === null ? null : { health: probeHealth, reason: null, until: null };
    return { result: { ok: probeHealth === 'ok', provider: 'google', latencyMs: 1, status: probeHealth === 'ok' ? 200 : 403, message: '' }, verdict };
  });
  const reportTraffic = vi.fn();
  const judge = new TrafficKeyJudge({ reportTraffic } as unknown as ProviderKeysService, { probe } as unknown as ProviderKeyTester);
  return { judge, probe, reportTraffic, release };
}

const forbidden = { error: { code: 403, message: 'You do not have permission to access the File abc or it may not exist.', status: 'PERMISSION_DENIED' } };

describe(TrafficKeyJudge.name, () => {
  it('checks a 403 once for many concurrent requests, and leaves a key whose check passes alone', async () => {
    const { judge, probe, reportTraffic, release } = judgeWith('ok');
    const key = storedKey();
    const verdicts = Array.from({ length: 5 }, () => judge.judge('member', 'google', key, 403, forbidden, undefined, 'req'));
    release();
    expect(await Promise.all(verdicts)).toEqual([null, null, null, null, null]);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(probe).toHaveBeenCalledWith('google', 'AIza-team-key', 'team');
    // Within the minute, a further 403 is not checked again.
    expect(await judge.judge('member', 'google', key, 403, forbidden, undefined, 'req')).toBeNull();
    expect(probe).toHaveBeenCalledTimes(1);
    expect(reportTraffic).not.toHaveBeenCalled();
  });

  it('marks the key rejected when its check is refused too; a replaced key (new fingerprint) is checked afresh', async () => {
    const { judge, probe, reportTraffic, release } = judgeWith('rejected');
    release();
    const verdict = await judge.judge('member', 'google', storedKey(), 403, forbidden, undefined, 'req');
    expect(verdict).toMatchObject({ health: 'rejected' });
    expect(reportTraffic).toHaveBeenCalledWith('member', 'google', expect.objectContaining({ fingerprint: 'fp-1' }), verdict, 'req');
    await judge.judge('member', 'google', storedKey('key-1', 'fp-2'), 403, forbidden, undefined, 'req');
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('a check that cannot reach the provider says nothing about the key', async () => {
    const { judge, reportTraffic, release } = judgeWith(null);
    release();
    expect(await judge.judge('member', 'google', storedKey(), 403, forbidden, undefined, 'req')).toBeNull();
    expect(reportTraffic).not.toHaveBeenCalled();
  });

  it('401, 429 and billing errors need no check; other statuses say nothing', async () => {
    const { judge, probe, reportTraffic } = judgeWith('ok');
    expect(await judge.judge('u', 'openai', storedKey(), 401, {}, undefined, 'req')).toMatchObject({ health: 'rejected' });
    expect(await judge.judge('u', 'openai', storedKey(), 429, {}, '5', 'req')).toMatchObject({ health: 'rate_limited' });
    expect(await judge.judge('u', 'openai', storedKey(), 403, { error: { type: 'insufficient_quota' } }, undefined, 'req')).toMatchObject({ health: 'quota_exhausted' });
    expect(await judge.judge('u', 'openai', storedKey(), 400, {}, undefined, 'req')).toBeNull();
    expect(probe).not.toHaveBeenCalled();
    expect(reportTraffic).toHaveBeenCalledTimes(3);
  });
});
