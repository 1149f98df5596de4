import { describe, expect, it } from 'vitest';
import { providerKeyView, providerStatus } from '@/testing/fixtures';
import { describeCoverage } from './useProviderKeys';

describe(describeCoverage.name, () => {
  const withServerKey = providerStatus('openai', { serverKeyConfigured: true, fallbackAllowed: true });
  const noServerKey = providerStatus('openai', { serverKeyConfigured: false, fallbackAllowed: true });
  const fallbackOff = providerStatus('openai', { serverKeyConfigured: true, fallbackAllowed: false });

  it('uses your active key whatever the server has', () => {
    expect(describeCoverage('openai', providerKeyView(), withServerKey)).toMatchObject({
      kind: 'user-key',
      message: 'Your key is used for OpenAI requests.',
    });
  });

  it('falls back to the server key when there is one and it is allowed', () => {
    expect(describeCoverage('openai', null, withServerKey).message).toBe("No key: requests use the server's key.");
    expect(describeCoverage('openai', providerKeyView({ isActive: false }), withServerKey).message).toBe(
      "Key inactive: requests use the server's key.",
    );
  });

  it('warns that requests fail without any usable key', () => {
    expect(describeCoverage('openai', null, noServerKey)).toMatchObject({
      kind: 'no-key',
      tone: 'warning',
      message: 'No key: requests to OpenAI will fail — add one.',
    });
    expect(describeCoverage('openai', null, fallbackOff).kind).toBe('no-key');
  });

  it('flags a rejected or undecryptable key', () => {
    expect(describeCoverage('openai', providerKeyView({ lastTestOk: false }), withServerKey).kind).toBe(
      'user-key-rejected',
    );
    expect(describeCoverage('openai', providerKeyView({ usable: false }), withServerKey).kind).toBe(
      'user-key-unusable',
    );
  });

  it('stays neutral when the statuses are unknown', () => {
    expect(describeCoverage('google', null, null)).toMatchObject({ kind: 'unknown', tone: 'neutral' });
  });

  it("speaks of the team's key and policy on a team's page", () => {
    expect(describeCoverage('openai', providerKeyView(), withServerKey, 'team').message).toBe("The team's key is used for OpenAI requests.");
    expect(describeCoverage('openai', null, { ...noServerKey, fallbackPolicy: 'byok_only' }, 'team').message).toBe(
      "No key: the team's policy never uses the server's key, so requests to OpenAI will fail.",
    );
    expect(describeCoverage('openai', providerKeyView({ usable: false }), withServerKey, 'team').message).toContain('until it is replaced');
  });
});
