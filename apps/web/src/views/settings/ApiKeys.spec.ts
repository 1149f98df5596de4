import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import * as apiKeysApi from '@/api/api-keys';
import * as teamsApi from '@/api/teams';
import { apiKeyView, openAIError, teamView } from '@/testing/fixtures';
import ApiKeys from './ApiKeys.vue';

vi.mock('@/api/api-keys');
vi.mock('@/api/teams');

const api = vi.mocked(apiKeysApi);
const SECRET = 'ur_9xQ2vL0pSecretPart';

let wrapper: VueWrapper | undefined;

async function mountSut(props: { team?: string | null } = {}): Promise<VueWrapper> {
  wrapper = mount(ApiKeys, {
    props,
    attachTo: document.body,
    global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  await flushPromises();
  return wrapper;
}

function byTestId(sut: VueWrapper, testId: string) {
  return sut.get(`[data-testid="${testId}"]`);
}

function has(sut: VueWrapper, testId: string): boolean {
  return sut.find(`[data-testid="${testId}"]`).exists();
}

describe('ApiKeys', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listApiKeys.mockResolvedValue([]);
    vi.mocked(teamsApi).listTeams.mockResolvedValue([]);
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('shows the empty state', async () => {
    const sut = await mountSut();

    expect(byTestId(sut, 'api-keys-empty').text()).toContain('No API keys yet');
  });

  it('lists keys with prefix and status', async () => {
    api.listApiKeys.mockResolvedValue([
      apiKeyView({ id: 'a', name: 'server' }),
      apiKeyView({ id: 'b', name: 'laptop', prefix: 'ur_Old123', revokedAt: '2025-01-05T00:00:00.000Z' }),
    ]);
    const sut = await mountSut();

    const rows = sut.findAll('[data-testid="api-key-row"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.get('[data-testid="api-key-name"]').text()).toBe('server');
    expect(rows[0]?.get('[data-testid="api-key-prefix"]').text()).toBe('ur_AbCd12…');
    expect(rows[0]?.get('[data-testid="api-key-status"]').text()).toBe('Active');
    expect(rows[1]?.get('[data-testid="api-key-status"]').text()).toBe('Revoked');
    expect(rows[1]?.find('[data-testid="api-key-revoke"]').exists()).toBe(false);
  });

  it('shows a load error', async () => {
    api.listApiKeys.mockRejectedValue(openAIError(500, 'Internal server error'));
    const sut = await mountSut();

    expect(byTestId(sut, 'api-keys-error').text()).toContain('Internal server error');
  });

  it('shows a new key once, copies it, and forgets it when dismissed', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    api.createApiKey.mockResolvedValue({
      id: 'new',
      name: 'ci',
      key: SECRET,
      prefix: 'ur_9xQ2vL',
      createdAt: new Date().toISOString(),
      teamId: null,
    });
    const sut = await mountSut();

    await byTestId(sut, 'api-key-name-input').setValue('  ci  ');
    await byTestId(sut, 'api-key-create-form').trigger('submit');
    await flushPromises();

    expect(api.createApiKey).toHaveBeenCalledWith({ name: 'ci' });
    const callout = byTestId(sut, 'new-api-key-callout');
    expect(byTestId(sut, 'new-api-key-value').text()).toBe(SECRET);
    expect(callout.text()).toContain("you won't see it again");
    expect((byTestId(sut, 'api-key-name-input').element as HTMLInputElement).value).toBe('');
    expect(sut.findAll('[data-testid="api-key-row"]')).toHaveLength(1);

    await byTestId(sut, 'new-api-key-copy').trigger('click');
    await flushPromises();
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(byTestId(sut, 'new-api-key-copy').text()).toBe('Copied');

    await byTestId(sut, 'new-api-key-dismiss').trigger('click');
    expect(sut.find('[data-testid="new-api-key-callout"]').exists()).toBe(false);
    expect(sut.html()).not.toContain(SECRET);
  });

  it('falls back to selecting the key when the clipboard is unavailable', async () => {
    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    api.createApiKey.mockResolvedValue({ id: 'n', name: 'ci', key: SECRET, prefix: 'ur_9x', createdAt: '', teamId: null });
    const sut = await mountSut();
    await byTestId(sut, 'api-key-name-input').setValue('ci');
    await byTestId(sut, 'api-key-create-form').trigger('submit');
    await flushPromises();

    await byTestId(sut, 'new-api-key-copy').trigger('click');
    await flushPromises();

    // jsdom has no execCommand('copy'): the fallback selects the key for the user.
    expect(has(sut, 'new-api-key-copy-failed')).toBe(true);
    expect(window.getSelection()?.toString()).toBe(SECRET);
  });

  it('requires a name', async () => {
    const sut = await mountSut();

    await byTestId(sut, 'api-key-create-form').trigger('submit');

    expect(api.createApiKey).not.toHaveBeenCalled();
    expect(sut.text()).toContain('Give the key a name');
  });

  it("shows the server's error when creating fails", async () => {
    api.createApiKey.mockRejectedValue(openAIError(400, 'name must be shorter than or equal to 100 characters'));
    const sut = await mountSut();

    await byTestId(sut, 'api-key-name-input').setValue('x');
    await byTestId(sut, 'api-key-create-form').trigger('submit');
    await flushPromises();

    expect(byTestId(sut, 'api-key-create-error').text()).toBe('name must be shorter than or equal to 100 characters');
  });

  describe('team keys', () => {
    beforeEach(() => {
      vi.mocked(teamsApi).listTeams.mockResolvedValue([teamView({ id: 't1', name: 'Platform', role: 'member' })]);
    });

    it('offers no choice to a user without teams', async () => {
      vi.mocked(teamsApi).listTeams.mockResolvedValue([]);
      const sut = await mountSut();

      expect(has(sut, 'api-key-team-select')).toBe(false);
    });

    it('creates a key that bills a team when the team is chosen', async () => {
      api.createApiKey.mockResolvedValue({ id: 'n', name: 'ci', key: SECRET, prefix: 'ur_9x', createdAt: '', teamId: 't1' });
      const sut = await mountSut();
      const select = byTestId(sut, 'api-key-team-select');
      expect(select.findAll('option').map((option) => option.text())).toEqual(['Personal (your own keys)', 'Platform (team)']);

      await select.setValue('t1');
      await byTestId(sut, 'api-key-name-input').setValue('ci');
      await byTestId(sut, 'api-key-create-form').trigger('submit');
      await flushPromises();

      expect(api.createApiKey).toHaveBeenCalledWith({ name: 'ci', teamId: 't1' });
      expect(byTestId(sut, 'new-api-key-team').text()).toContain('provider keys of Platform');
      expect(byTestId(sut, 'api-key-team').text()).toBe('Platform');
    });

    it('preselects the team the page was opened from, and creates personal keys without a teamId', async () => {
      api.createApiKey.mockResolvedValue({ id: 'n', name: 'ci', key: SECRET, prefix: 'ur_9x', createdAt: '', teamId: null });
      const sut = await mountSut({ team: 't1' });
      const select = byTestId(sut, 'api-key-team-select');
      expect((select.element as HTMLSelectElement).value).toBe('t1');

      await select.setValue('');
      await byTestId(sut, 'api-key-name-input').setValue('ci');
      await byTestId(sut, 'api-key-create-form').trigger('submit');
      await flushPromises();

      expect(api.createApiKey).toHaveBeenCalledWith({ name: 'ci' });
    });

    it('ignores a preselected team the user is not in', async () => {
      const sut = await mountSut({ team: 'not-mine' });

      expect((byTestId(sut, 'api-key-team-select').element as HTMLSelectElement).value).toBe('');
    });

    it('shows which team each key bills', async () => {
      api.listApiKeys.mockResolvedValue([
        apiKeyView({ id: 'a', name: 'mine' }),
        apiKeyView({ id: 'b', name: 'shared', teamId: 't1' }),
        apiKeyView({ id: 'c', name: 'old', teamId: 'left-team', revokedAt: '2025-01-05T00:00:00.000Z' }),
      ]);
      const sut = await mountSut();

      expect(sut.findAll('[data-testid="api-key-team"]').map((cell) => cell.text())).toEqual(['Personal', 'Platform', 'A team you left']);
    });
  });

  describe('revoke', () => {
    beforeEach(() => {
      api.listApiKeys.mockResolvedValue([apiKeyView({ id: 'k1', name: 'server' })]);
    });

    it('Cancel keeps the key', async () => {
      const sut = await mountSut();

      await byTestId(sut, 'api-key-revoke').trigger('click');
      expect(byTestId(sut, 'confirm-dialog').text()).toContain('Revoke “server”?');
      await byTestId(sut, 'confirm-dialog-cancel').trigger('click');

      expect(api.revokeApiKey).not.toHaveBeenCalled();
      expect(sut.find('[data-testid="confirm-dialog"]').exists()).toBe(false);
      expect(byTestId(sut, 'api-key-status').text()).toBe('Active');
    });

    it('Confirm revokes it', async () => {
      api.revokeApiKey.mockResolvedValue(undefined);
      const sut = await mountSut();

      await byTestId(sut, 'api-key-revoke').trigger('click');
      await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
      await flushPromises();

      expect(api.revokeApiKey).toHaveBeenCalledWith('k1');
      expect(sut.find('[data-testid="confirm-dialog"]').exists()).toBe(false);
      expect(byTestId(sut, 'api-key-status').text()).toBe('Revoked');
      expect(byTestId(sut, 'api-key-row').attributes('data-revoked')).toBe('true');
    });

    it('shows why revoking failed and keeps the key active', async () => {
      api.revokeApiKey.mockRejectedValue(openAIError(500, 'Internal server error'));
      const sut = await mountSut();

      await byTestId(sut, 'api-key-revoke').trigger('click');
      await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
      await flushPromises();

      expect(byTestId(sut, 'confirm-dialog-error').text()).toBe('Internal server error');
      expect(byTestId(sut, 'api-key-status').text()).toBe('Active');
    });
  });
});
