import { describe, expect, it } from 'vitest';
import { healthFromUpstream, isKeySkipped, retryAfterSeconds } from './key-health.js';

const now = new Date('2026-12-04T12:00:00.000Z');

describe(healthFromUpstream.name, () => {
  it.each([
    [401, 'rejected'],
    [403, 'rejected'],
    [402, 'quota_exhausted'],
    [429, 'rate_limited'],
  ] as const)('reads HTTP %i as %s', (status, health) => {
    expect(healthFromUpstream('openai', status, {}, undefined, 'request', now)?.health).toBe(health);
  });

  it('says nothing about the key for other failures', () => {
    for (const status of [400, 404, 500, 503]) expect(healthFromUpstream('anthropic', status, {}, undefined, 'request', now)).toBeNull();
  });

  it("reads OpenAI's insufficient_quota 429 and Anthropic's billing_error as quota, not a rate limit", () => {
    const openai = { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } };
    expect(healthFromUpstream('openai', 429, openai, '20', 'request', now)).toMatchObject({ health: 'quota_exhausted', until: null });
    const anthropic = JSON.stringify({ type: 'error', error: { type: 'billing_error', message: 'Your credit balance is too low' } });
    expect(healthFromUpstream('anthropic', 400, anthropic, undefined, 'test', now)?.health).toBe('quota_exhausted');
  });

  it("reads the billing error where the provider puts it, not a client's field the error quotes", () => {
    // OpenAI names an unknown request parameter in `param`: the client chose that text.
    const echo = { error: { message: "Unknown parameter: 'insufficient_quota'.", type: 'invalid_request_error', param: 'insufficient_quota', code: 'unknown_parameter' } };
    expect(healthFromUpstream('openai', 400, echo, undefined, 'request', now)).toBeNull();
    expect(healthFromUpstream('openai', 400, JSON.stringify(echo), undefined, 'request', now)).toBeNull();
    const quoted = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'x', details: { field: 'billing_error' } } });
    expect(healthFromUpstream('anthropic', 400, quoted, undefined, 'request', now)).toBeNull();
  });

  it("does not rest a key for OpenAI's 429 about one request larger than its per-minute tokens: that request never passes", () => {
    const tooLarge = {
      error: {
        message: 'Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 36278. The input or output tokens must be reduced in order to run successfully.',
        type: 'tokens',
        param: null,
        code: 'rate_limit_exceeded',
      },
    };
    expect(healthFromUpstream('openai', 429, tooLarge, undefined, 'request', now)).toBeNull();
    expect(healthFromUpstream('openai', 429, JSON.stringify(tooLarge), undefined, 'request', now)).toBeNull();
    const busy = { error: { ...tooLarge.error, message: 'Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 28000, Requested 3000.' } };
    expect(healthFromUpstream('openai', 429, busy, undefined, 'request', now)?.health).toBe('rate_limited');
  });

  it('rests a rate-limited key until Retry-After, else 60 s', () => {
    expect(healthFromUpstream('google', 429, {}, '30', 'request', now)?.until).toEqual(new Date('2026-12-04T12:00:30.000Z'));
    expect(healthFromUpstream('google', 429, {}, undefined, 'request', now)?.until).toEqual(new Date('2026-12-04T12:01:00.000Z'));
  });

  it('words the reason without the provider’s own text', () => {
    expect(healthFromUpstream('openai', 401, { error: { message: 'sk-secret' } }, undefined, 'test', now)?.reason).toBe(
      'OpenAI rejected this key (HTTP 401) on a connection test.',
    );
  });
});

describe(retryAfterSeconds.name, () => {
  it('reads seconds and HTTP dates, caps at a day and ignores garbage', () => {
    expect(retryAfterSeconds('12', now)).toBe(12);
    expect(retryAfterSeconds('Fri, 04 Dec 2026 12:02:00 GMT', now)).toBe(120);
    expect(retryAfterSeconds('999999999', now)).toBe(86_400);
    expect(retryAfterSeconds('soon', now)).toBeNull();
    expect(retryAfterSeconds(undefined, now)).toBeNull();
  });
});

describe(isKeySkipped.name, () => {
  it('skips rejected and exhausted keys, and rate-limited ones until their time is up', () => {
    expect(isKeySkipped('ok', null)).toBe(false);
    expect(isKeySkipped('unverified', null)).toBe(false);
    expect(isKeySkipped('rejected', null)).toBe(true);
    expect(isKeySkipped('quota_exhausted', null)).toBe(true);
    expect(isKeySkipped('rate_limited', new Date(now.getTime() + 1000), now.getTime())).toBe(true);
    expect(isKeySkipped('rate_limited', new Date(now.getTime() - 1000), now.getTime())).toBe(false);
  });
});
