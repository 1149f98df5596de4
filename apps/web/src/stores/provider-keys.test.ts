import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestingPinia } from '@pinia/testing';
import * as providerKeysApi from '@/api/provider-keys';
import { deferred, openAIError, providerKeyView, providerStatus } from '@/testing/fixtures';
import { PERSONAL_OWNER, teamOwner } from '@/utils/key-owner';
import type { ProviderKeyView } from '@uniroute/shared';
import { useProviderKeysStore } from './provider-keys';

vi.mock('@/api/provider-keys');

const api = vi.mocked(providerKeysApi);

function createSut() {
  createTestingPinia({ stubActions: false, createSpy: vi.fn });
  return useProviderKeysStore();
}

describe('useProviderKeysStore', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listProviderStatuses.mockResolvedValue([providerStatus('openai'), providerStatus('anthropic')]);
  });

  describe('hydrate', () => {
    it('loads keys and fallback statuses', async () => {
      const sut = createSut();
      api.listProviderKeys.mockResolvedValue([providerKeyView()]);

      await sut.hydrate();

      expect(sut.keys).toEqual([providerKeyView()]);
      expect(sut.statuses).toHaveLength(2);
      expect(sut.loaded).toBe(true);
      expect(sut.loading).toBe(false);
      expect(sut.error).toBeNull();
      expect(sut.keyFor('openai')?.maskedKey).toBe('••••••••a1b2');
      expect(sut.keyFor('google')).toBeNull();
      expect(sut.statusFor('anthropic')?.label).toBe('Anthropic');
    });

    it("reports the server's message when the keys cannot be loaded", async () => {
      const sut = createSut();
      api.listProviderKeys.mockRejectedValue(openAIError(500, 'Database unavailable'));

      await sut.hydrate();

      expect(sut.error).toBe('Database unavailable');
      expect(sut.loaded).toBe(false);
      expect(sut.loading).toBe(false);
    });

    it('still shows the keys when only the statuses fail', async () => {
      const sut = createSut();
      api.listProviderKeys.mockResolvedValue([providerKeyView()]);
      api.listProviderStatuses.mockRejectedValue(openAIError(503, 'Try later'));

      await sut.hydrate();

      expect(sut.error).toBeNull();
      expect(sut.keys).toHaveLength(1);
      expect(sut.statusesError).toBe('Try later');
    });
  });

  describe('add', () => {
    it('sends the key once and keeps only the masked view', async () => {
      const sut = createSut();
      const saved = providerKeyView({ provider: 'anthropic', last4: 'wxyz' });
      api.createProviderKey.mockResolvedValue(saved);

      await sut.add('anthropic', 'sk-ant-secret-wxyz', { validate: true });

      expect(api.createProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, {
        provider: 'anthropic',
        apiKey: 'sk-ant-secret-wxyz',
        validate: true,
      });
      expect(sut.keys).toEqual([saved]);
      expect(JSON.stringify(sut.$state)).not.toContain('sk-ant-secret-wxyz');
      expect(api.listProviderStatuses).toHaveBeenCalled();
    });

    it('omits validate unless asked', async () => {
      const sut = createSut();
      api.createProviderKey.mockResolvedValue(providerKeyView());

      await sut.add('openai', 'sk-test-1234');

      expect(api.createProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, { provider: 'openai', apiKey: 'sk-test-1234' });
    });

    it('leaves the state untouched and rethrows when the server refuses', async () => {
      const sut = createSut();
      sut.keys = [providerKeyView()];
      const error = openAIError(409, 'You already have an OpenAI key', 'conflict');
      api.createProviderKey.mockRejectedValue(error);

      await expect(sut.add('openai', 'sk-duplicate-9999')).rejects.toBe(error);

      expect(sut.keys).toEqual([providerKeyView()]);
      expect(JSON.stringify(sut.$state)).not.toContain('sk-duplicate-9999');
    });
  });

  describe('replaceKey', () => {
    it('replaces the stored view with the server answer', async () => {
      const sut = createSut();
      sut.keys = [providerKeyView()];
      const replaced = providerKeyView({ last4: 'zz99', updatedAt: '2025-02-01T00:00:00.000Z' });
      api.updateProviderKey.mockResolvedValue(replaced);

      await sut.replaceKey('openai', 'sk-new-zz99');

      expect(api.updateProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, 'openai', { apiKey: 'sk-new-zz99' });
      expect(sut.keys).toEqual([replaced]);
    });

    it('keeps the old key when the provider rejects the new one', async () => {
      const sut = createSut();
      sut.keys = [providerKeyView()];
      api.updateProviderKey.mockRejectedValue(openAIError(422, 'OpenAI rejected the key', 'provider_key_rejected'));

      await expect(sut.replaceKey('openai', 'sk-bad-0000', { validate: true })).rejects.toThrow();

      expect(api.updateProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, 'openai', { apiKey: 'sk-bad-0000', validate: true });
      expect(sut.keys).toEqual([providerKeyView()]);
    });
  });

  describe('setActive', () => {
    it('switches the key at once, before the server answers', async () => {
      const sut = createSut();
      sut.keys = [providerKeyView()];
      let resolveUpdate: (view: ReturnType<typeof providerKeyView>) => void = () => undefined;
      api.updateProviderKey.mockReturnValue(new Promise((resolve) => (resolveUpdate = resolve)));

      const pending = sut.setActive('openai', false);
      expect(sut.keyFor('openai')?.isActive).toBe(false);

      resolveUpdate(providerKeyView({ isActive: false }));
      await pending;
      expect(api.updateProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, 'openai', { isActive: false });
      expect(sut.keyFor('openai')?.isActive).toBe(false);
    });

    it('rolls back when the server refuses', async () => {
      const sut = createSut();
      sut.keys = [providerKeyView({ isActive: true })];
      api.updateProviderKey.mockRejectedValue(openAIError(404, 'No OpenAI key', 'not_found'));

      await expect(sut.setActive('openai', false)).rejects.toThrow();

      expect(sut.keyFor('openai')?.isActive).toBe(true);
    });
  });

  describe('remove', () => {
    it('removes the key at once and refreshes the statuses', async () => {
      const sut = createSut();
      sut.keys = [providerKeyView(), providerKeyView({ provider: 'google', id: 'key-google' })];
      api.deleteProviderKey.mockResolvedValue(undefined);

      await sut.remove('openai');

      expect(api.deleteProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, 'openai');
      expect(sut.keys.map((key) => key.provider)).toEqual(['google']);
      expect(api.listProviderStatuses).toHaveBeenCalled();
    });

    it('puts the key back in its place when the server refuses', async () => {
      const sut = createSut();
      const keys = [
        providerKeyView(),
        providerKeyView({ provider: 'anthropic', id: 'key-anthropic' }),
        providerKeyView({ provider: 'google', id: 'key-google' }),
      ];
      sut.keys = [...keys];
      api.deleteProviderKey.mockRejectedValue(openAIError(500, 'Internal server error'));

      await expect(sut.remove('anthropic')).rejects.toThrow();

      expect(sut.keys).toEqual(keys);
    });

    it('treats 404 as already deleted', async () => {
      const sut = createSut();
      sut.keys = [providerKeyView()];
      api.deleteProviderKey.mockRejectedValue(openAIError(404, 'No OpenAI key', 'not_found'));

      await sut.remove('openai');

      expect(sut.keys).toEqual([]);
    });
  });

  describe('test', () => {
    it('returns the result and records it on the key', async () => {
      const sut = createSut();
      sut.keys = [providerKeyView({ lastTestOk: true })];
      api.testProviderKey.mockResolvedValue({
        ok: false,
        provider: 'openai',
        latencyMs: 87,
        status: 401,
        message: 'Incorrect API key provided',
      });

      const result = await sut.test('openai');

      expect(result.ok).toBe(false);
      expect(sut.keyFor('openai')?.lastTestOk).toBe(false);
      expect(sut.keyFor('openai')?.lastTestedAt).not.toBeNull();
    });
  });

  it('dehydrate forgets everything', () => {
    const sut = createSut();
    sut.keys = [providerKeyView()];
    sut.statuses = [providerStatus('openai')];
    sut.loaded = true;

    sut.dehydrate();

    expect(sut.keys).toEqual([]);
    expect(sut.statuses).toEqual([]);
    expect(sut.loaded).toBe(false);
  });

  describe('owners', () => {
    it("useOwner switches to a team's keys and forgets the previous owner's", async () => {
      const sut = createSut();
      api.listProviderKeys.mockResolvedValue([providerKeyView()]);
      await sut.hydrate();

      sut.useOwner(teamOwner('team-1'));

      expect(sut.keys).toEqual([]);
      expect(sut.loaded).toBe(false);
      api.listProviderKeys.mockResolvedValue([providerKeyView({ provider: 'anthropic' })]);
      api.testProviderKey.mockResolvedValue({ ok: true, provider: 'anthropic', latencyMs: 5, status: 200, message: 'OK' });
      await sut.hydrate();
      await sut.test('anthropic');
      expect(api.listProviderKeys).toHaveBeenLastCalledWith(teamOwner('team-1'));
      expect(api.testProviderKey).toHaveBeenCalledWith(teamOwner('team-1'), 'anthropic');
    });

    it("drops an answer that arrives after the page moved to another owner", async () => {
      const sut = createSut();
      const personal = deferred<ProviderKeyView[]>();
      api.listProviderKeys.mockReturnValueOnce(personal.promise);
      const loading = sut.hydrate();

      sut.useOwner(teamOwner('team-1'));
      personal.resolve([providerKeyView({ last4: 'mine' })]);
      await loading;

      expect(sut.keys).toEqual([]);
    });

    it('a 404 for a team is "not found"; for the user it is only an error', async () => {
      const sut = createSut();
      sut.useOwner(teamOwner('team-1'));
      api.listProviderKeys.mockRejectedValue(openAIError(404, 'Team not found.'));

      await sut.hydrate();
      expect(sut.notFound).toBe(true);

      sut.useOwner(PERSONAL_OWNER);
      await sut.hydrate();
      expect(sut.notFound).toBe(false);
      expect(sut.error).toBe('Team not found.');
    });
  });
});
