import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestingPinia } from '@pinia/testing';
import * as apiKeysApi from '@/api/api-keys';
import { apiKeyView, openAIError } from '@/testing/fixtures';
import { useApiKeysStore } from './api-keys';

vi.mock('@/api/api-keys');

const api = vi.mocked(apiKeysApi);

function createSut() {
  createTestingPinia({ stubActions: false, createSpy: vi.fn });
  return useApiKeysStore();
}

describe('useApiKeysStore', () => {
  beforeEach(() => vi.resetAllMocks());

  it('loads the keys', async () => {
    const sut = createSut();
    api.listApiKeys.mockResolvedValue([apiKeyView(), apiKeyView({ id: 'api-key-2', revokedAt: '2025-01-03T00:00:00.000Z' })]);

    await sut.hydrate();

    expect(sut.keys).toHaveLength(2);
    expect(sut.activeCount).toBe(1);
    expect(sut.loaded).toBe(true);
  });

  it('reports a load failure', async () => {
    const sut = createSut();
    api.listApiKeys.mockRejectedValue(openAIError(401, 'Session expired', 'unauthenticated'));

    await sut.hydrate();

    expect(sut.error).toBe('Session expired');
    expect(sut.loading).toBe(false);
  });

  it('create returns the secret once and lists the key without it', async () => {
    const sut = createSut();
    sut.keys = [apiKeyView({ id: 'older' })];
    api.createApiKey.mockResolvedValue({
      id: 'new',
      name: 'ci',
      key: 'ur_secretsecretsecret',
      prefix: 'ur_secret',
      createdAt: '2025-02-01T00:00:00.000Z',
      teamId: null,
    });

    const created = await sut.create('ci');

    expect(api.createApiKey).toHaveBeenCalledWith({ name: 'ci' });
    expect(created.key).toBe('ur_secretsecretsecret');
    expect(sut.keys.map((key) => key.id)).toEqual(['new', 'older']);
    expect(JSON.stringify(sut.$state)).not.toContain('ur_secretsecretsecret');
  });

  it('revoke marks the key revoked at once', async () => {
    const sut = createSut();
    sut.keys = [apiKeyView()];
    api.revokeApiKey.mockResolvedValue(undefined);

    await sut.revoke('api-key-1');

    expect(api.revokeApiKey).toHaveBeenCalledWith('api-key-1');
    expect(sut.keys[0]?.revokedAt).not.toBeNull();
  });

  it('revoke rolls back when the server refuses', async () => {
    const sut = createSut();
    sut.keys = [apiKeyView()];
    api.revokeApiKey.mockRejectedValue(openAIError(500, 'Internal server error'));

    await expect(sut.revoke('api-key-1')).rejects.toThrow();

    expect(sut.keys[0]?.revokedAt).toBeNull();
  });
});
