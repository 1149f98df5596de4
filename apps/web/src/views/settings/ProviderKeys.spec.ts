import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import type { ProviderKeyView, UsageQuery } from '@uniroute/shared';
import * as auditApi from '@/api/audit';
import * as providerKeysApi from '@/api/provider-keys';
import * as usageApi from '@/api/usage';
import { deferred, openAIError, providerKeyView, providerStatus, usageReport, usageRow } from '@/testing/fixtures';
import { PERSONAL_OWNER } from '@/utils/key-owner';
import ProviderKeys from './ProviderKeys.vue';

vi.mock('@/api/provider-keys');
vi.mock('@/api/audit');
vi.mock('@/api/usage');

const api = vi.mocked(providerKeysApi);
const PLAINTEXT = 'sk-proj-PLAINTEXT-secret-value-9f3c';

let wrapper: VueWrapper | undefined;

async function mountSut(): Promise<VueWrapper> {
  wrapper = mount(ProviderKeys, {
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

async function typeKeyAndSave(sut: VueWrapper, provider: string, value: string, validate = false): Promise<void> {
  await byTestId(sut, `provider-key-input-${provider}`).setValue(value);
  if (validate) await byTestId(sut, `provider-key-validate-${provider}`).setValue(true);
  await byTestId(sut, `provider-key-form-${provider}`).trigger('submit');
}

describe('ProviderKeys', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    vi.mocked(auditApi).listAuditEvents.mockResolvedValue({ events: [], next: null });
    vi.mocked(usageApi).getUsage.mockImplementation(async (query: UsageQuery) => usageReport(query.groupBy ?? 'provider', []));
    api.listProviderKeys.mockResolvedValue([]);
    api.listProviderStatuses.mockResolvedValue([
      providerStatus('openai', { serverKeyConfigured: false }),
      providerStatus('anthropic', { serverKeyConfigured: true, fallbackAllowed: true, usesServerKey: true }),
      providerStatus('google', { serverKeyConfigured: true, fallbackAllowed: false }),
    ]);
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('shows a loading state, then one card per provider', async () => {
    const keys = deferred<ProviderKeyView[]>();
    api.listProviderKeys.mockReturnValue(keys.promise);
    wrapper = mount(ProviderKeys, {
      global: { plugins: [createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
    });
    await flushPromises();
    expect(wrapper.find('[data-testid="provider-keys-loading"]').exists()).toBe(true);

    keys.resolve([]);
    await flushPromises();

    expect(wrapper.find('[data-testid="provider-keys-loading"]').exists()).toBe(false);
    for (const provider of ['openai', 'anthropic', 'google']) {
      expect(wrapper.find(`[data-testid="provider-card-${provider}"]`).exists()).toBe(true);
    }
  });

  it("shows each provider's last 24 h and 30 days from two groupBy=provider calls for the whole page", async () => {
    vi.useFakeTimers({ now: new Date('2026-12-04T12:00:00.000Z'), toFake: ['Date'] });
    const usage = vi.mocked(usageApi);
    usage.getUsage.mockImplementation(async (query: UsageQuery) =>
      query.from === '2026-12-03T12:00:00.000Z'
        ? usageReport('provider', [usageRow('openai', { requests: 1, promptTokens: 10, completionTokens: 5, costUsd: 0.0001 })])
        : usageReport('provider', [
            usageRow('openai', { requests: 1234, promptTokens: 50_000, completionTokens: 6_000, costUsd: 1.5 }),
            usageRow('anthropic', { requests: 2, promptTokens: 20, completionTokens: 4, costUsd: null }),
          ]),
    );
    try {
      const sut = await mountSut();

      expect(usage.getUsage).toHaveBeenCalledTimes(2);
      expect(usage.getUsage).toHaveBeenCalledWith({ from: '2026-12-03T12:00:00.000Z', to: '2026-12-04T12:00:00.000Z', groupBy: 'provider' });
      expect(usage.getUsage).toHaveBeenCalledWith({ from: '2026-11-04T12:00:00.000Z', to: '2026-12-04T12:00:00.000Z', groupBy: 'provider' });
      expect(byTestId(sut, 'provider-usage-24h-openai').text()).toBe('Last 24 h1 request · 15 tokens · $0.0001 estimated');
      expect(byTestId(sut, 'provider-usage-30d-openai').text()).toBe('Last 30 days1,234 requests · 56,000 tokens · $1.50 estimated');
      // Unknown price: "—", not $0; no traffic: zeros.
      expect(byTestId(sut, 'provider-usage-30d-anthropic').text()).toBe('Last 30 days2 requests · 24 tokens · — estimated');
      expect(byTestId(sut, 'provider-usage-24h-google').text()).toBe('Last 24 h0 requests · 0 tokens · $0.00 estimated');
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the cards working without figures when the usage API fails', async () => {
    vi.mocked(usageApi).getUsage.mockRejectedValue(openAIError(503, 'Usage is unavailable.'));
    const sut = await mountSut();

    expect(has(sut, 'provider-usage-openai')).toBe(false);
    expect(byTestId(sut, 'provider-usage-error').text()).toContain('Usage is unavailable.');
    expect(has(sut, 'provider-add-button-openai')).toBe(true);
  });

  it('says "Not configured" and how requests fall back, per provider status', async () => {
    const sut = await mountSut();

    for (const provider of ['openai', 'anthropic', 'google']) {
      expect(byTestId(sut, `provider-not-configured-${provider}`).text()).toBe('Not configured');
      expect(has(sut, `provider-add-button-${provider}`)).toBe(true);
      expect(sut.find(`[data-testid="provider-encryption-badge-${provider}"]`).exists()).toBe(false);
    }
    expect(byTestId(sut, 'provider-fallback-openai').text()).toBe('No key: requests to OpenAI will fail — add one.');
    expect(byTestId(sut, 'provider-fallback-anthropic').text()).toBe("No key: requests use the server's key.");
    // A server key exists, but the operator forbids falling back to it.
    expect(byTestId(sut, 'provider-fallback-google').text()).toBe(
      'No key: requests to Google Gemini will fail — add one.',
    );
  });

  it('shows a stored key masked, its encryption, activity and that it is used', async () => {
    api.listProviderKeys.mockResolvedValue([
      providerKeyView({ lastUsedAt: new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString() }),
    ]);
    const sut = await mountSut();

    expect(byTestId(sut, 'provider-masked-key-openai').text()).toBe('••••••••a1b2');
    expect(byTestId(sut, 'provider-encryption-badge-openai').text()).toBe('Encrypted · AES-256-GCM');
    expect(byTestId(sut, 'provider-fallback-openai').text()).toBe('Your key is used for OpenAI requests.');
    expect(byTestId(sut, 'provider-last-used-openai').text()).toBe('3 hours ago');
    const updated = byTestId(sut, 'provider-updated-at-openai').get('time');
    expect(updated.attributes('datetime')).toBe('2025-01-02T10:00:00.000Z');
    expect(updated.attributes('title')).toMatch(/2025/);
    expect(byTestId(sut, 'provider-active-toggle-openai').attributes('aria-checked')).toBe('true');
    expect(sut.find('[data-testid="provider-not-configured-openai"]').exists()).toBe(false);
  });

  it('adds a key without leaving the plaintext in the page', async () => {
    const saved = deferred<ProviderKeyView>();
    api.createProviderKey.mockReturnValue(saved.promise);
    const sut = await mountSut();

    await byTestId(sut, 'provider-add-button-openai').trigger('click');
    const input = byTestId(sut, 'provider-key-input-openai');
    expect(input.attributes('type')).toBe('password');
    expect(input.attributes('autocomplete')).toBe('off');
    await typeKeyAndSave(sut, 'openai', `  ${PLAINTEXT}\n`, true);

    expect(api.createProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, { provider: 'openai', apiKey: PLAINTEXT, validate: true });
    // Cleared as soon as the request is on its way.
    expect((input.element as HTMLInputElement).value).toBe('');
    expect(byTestId(sut, 'provider-key-save-openai').attributes('aria-busy')).toBe('true');

    saved.resolve(providerKeyView({ last4: '9f3c' }));
    await flushPromises();

    expect(sut.find('[data-testid="provider-key-form-openai"]').exists()).toBe(false);
    expect(byTestId(sut, 'provider-masked-key-openai').text()).toBe('••••••••9f3c');
    expect(sut.html()).not.toContain(PLAINTEXT);
    expect(document.body.innerHTML).not.toContain(PLAINTEXT);
  });

  it('toggles the key visibility with an accessible button', async () => {
    const sut = await mountSut();
    await byTestId(sut, 'provider-add-button-anthropic').trigger('click');
    const toggle = byTestId(sut, 'provider-key-visibility-anthropic');
    expect(toggle.attributes('aria-pressed')).toBe('false');
    expect(toggle.attributes('aria-label')).toBe('Show Anthropic API key');

    await toggle.trigger('click');

    expect(toggle.attributes('aria-pressed')).toBe('true');
    expect(byTestId(sut, 'provider-key-input-anthropic').attributes('type')).toBe('text');
    const label = sut.get('label[for]');
    expect(label.text()).toBe('Anthropic API key');
  });

  it("shows the server's error when saving fails, with the key already gone", async () => {
    api.createProviderKey.mockRejectedValue(
      openAIError(422, 'OpenAI rejected this key: Incorrect API key provided.', 'provider_key_rejected'),
    );
    const sut = await mountSut();

    await byTestId(sut, 'provider-add-button-openai').trigger('click');
    await typeKeyAndSave(sut, 'openai', PLAINTEXT, true);
    await flushPromises();

    expect(byTestId(sut, 'provider-key-error-openai').text()).toBe(
      'OpenAI rejected this key: Incorrect API key provided.',
    );
    expect((byTestId(sut, 'provider-key-input-openai').element as HTMLInputElement).value).toBe('');
    expect(sut.html()).not.toContain(PLAINTEXT);
    expect(has(sut, 'provider-not-configured-openai')).toBe(true);
  });

  it('refuses something that cannot be a key before sending it', async () => {
    const sut = await mountSut();
    await byTestId(sut, 'provider-add-button-openai').trigger('click');

    await typeKeyAndSave(sut, 'openai', 'short');

    expect(api.createProviderKey).not.toHaveBeenCalled();
    expect(sut.text()).toContain('too short');
  });

  it('replaces a stored key through PUT', async () => {
    api.listProviderKeys.mockResolvedValue([providerKeyView()]);
    api.updateProviderKey.mockResolvedValue(providerKeyView({ last4: '7777' }));
    const sut = await mountSut();

    await byTestId(sut, 'provider-replace-button-openai').trigger('click');
    await typeKeyAndSave(sut, 'openai', PLAINTEXT);
    await flushPromises();

    expect(api.updateProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, 'openai', { apiKey: PLAINTEXT });
    expect(byTestId(sut, 'provider-masked-key-openai').text()).toBe('••••••••7777');
    expect(sut.html()).not.toContain(PLAINTEXT);
  });

  it('switches a key off, and back on if the server refuses', async () => {
    api.listProviderKeys.mockResolvedValue([providerKeyView()]);
    api.updateProviderKey.mockResolvedValueOnce(providerKeyView({ isActive: false }));
    api.updateProviderKey.mockRejectedValueOnce(openAIError(500, 'Internal server error'));
    const sut = await mountSut();
    const toggle = () => byTestId(sut, 'provider-active-toggle-openai');

    await toggle().trigger('click');
    await flushPromises();
    expect(api.updateProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, 'openai', { isActive: false });
    expect(toggle().attributes('aria-checked')).toBe('false');
    expect(byTestId(sut, 'provider-inactive-flag-openai').text()).toBe('Inactive');
    expect(byTestId(sut, 'provider-fallback-openai').text()).toBe(
      'Key inactive: requests to OpenAI will fail — turn it on or replace it.',
    );

    await toggle().trigger('click');
    await flushPromises();
    expect(toggle().attributes('aria-checked')).toBe('false');
    expect(byTestId(sut, 'provider-error-openai').text()).toBe('Internal server error');
  });

  it('tests the connection and shows success with latency', async () => {
    api.listProviderKeys.mockResolvedValue([providerKeyView()]);
    const result = deferred<Awaited<ReturnType<typeof providerKeysApi.testProviderKey>>>();
    api.testProviderKey.mockReturnValue(result.promise);
    const sut = await mountSut();

    await byTestId(sut, 'provider-test-button-openai').trigger('click');
    expect(byTestId(sut, 'provider-test-button-openai').attributes('aria-busy')).toBe('true');
    expect(byTestId(sut, 'provider-test-button-openai').find('.spinner').exists()).toBe(true);
    expect(byTestId(sut, 'provider-test-result-openai').attributes('data-state')).toBe('testing');

    result.resolve({ ok: true, provider: 'openai', latencyMs: 123, status: 200, message: 'OK' });
    await flushPromises();

    const area = byTestId(sut, 'provider-test-result-openai');
    expect(area.attributes('data-state')).toBe('ok');
    expect(area.text()).toContain('Connected in 123 ms');
    expect(byTestId(sut, 'provider-test-button-openai').attributes('aria-busy')).toBeUndefined();
  });

  it("tests the connection and shows the provider's reason on failure, flagging the key", async () => {
    api.listProviderKeys.mockResolvedValue([providerKeyView({ provider: 'anthropic', id: 'k-a' })]);
    api.testProviderKey.mockResolvedValue({
      ok: false,
      provider: 'anthropic',
      latencyMs: 80,
      status: 401,
      message: 'invalid x-api-key',
    });
    const sut = await mountSut();

    await byTestId(sut, 'provider-test-button-anthropic').trigger('click');
    await flushPromises();

    const area = byTestId(sut, 'provider-test-result-anthropic');
    expect(area.attributes('data-state')).toBe('failed');
    expect(area.text()).toContain('Anthropic rejected the request (HTTP 401)');
    expect(area.text()).toContain('invalid x-api-key');
    expect(byTestId(sut, 'provider-rejected-flag-anthropic').text()).toBe('Rejected by Anthropic');
  });

  it('reports a test that could not run at all', async () => {
    api.listProviderKeys.mockResolvedValue([providerKeyView()]);
    api.testProviderKey.mockRejectedValue(openAIError(404, 'You have no OpenAI key.', 'not_found'));
    const sut = await mountSut();

    await byTestId(sut, 'provider-test-button-openai').trigger('click');
    await flushPromises();

    const area = byTestId(sut, 'provider-test-result-openai');
    expect(area.attributes('data-state')).toBe('error');
    expect(area.text()).toContain('You have no OpenAI key.');
  });

  it('flags a key the provider rejected and a key that no longer decrypts', async () => {
    api.listProviderKeys.mockResolvedValue([
      providerKeyView({ lastTestOk: false, lastTestedAt: '2025-01-03T00:00:00.000Z' }),
      providerKeyView({ provider: 'google', id: 'k-g', usable: false }),
    ]);
    const sut = await mountSut();

    expect(byTestId(sut, 'provider-rejected-flag-openai').text()).toBe('Rejected by OpenAI');
    expect(byTestId(sut, 'provider-fallback-openai').attributes('data-coverage')).toBe('user-key-rejected');
    expect(byTestId(sut, 'provider-unusable-flag-google').text()).toBe("Can't be decrypted");
    expect(byTestId(sut, 'provider-fallback-google').text()).toContain('can no longer be decrypted');
    expect(sut.find('[data-testid="provider-rejected-flag-anthropic"]').exists()).toBe(false);
  });

  describe('delete', () => {
    beforeEach(() => {
      api.listProviderKeys.mockResolvedValue([providerKeyView()]);
    });

    it('asks first; Cancel keeps the key', async () => {
      const sut = await mountSut();
      const deleteButton = byTestId(sut, 'provider-delete-button-openai');
      (deleteButton.element as HTMLElement).focus();

      await deleteButton.trigger('click');
      const dialog = byTestId(sut, 'confirm-dialog');
      expect(dialog.attributes('role')).toBe('dialog');
      expect(dialog.attributes('aria-modal')).toBe('true');
      expect(dialog.text()).toContain('Delete your OpenAI key?');
      expect(document.activeElement).toBe(byTestId(sut, 'confirm-dialog-cancel').element);

      await byTestId(sut, 'confirm-dialog-cancel').trigger('click');

      expect(sut.find('[data-testid="confirm-dialog"]').exists()).toBe(false);
      expect(api.deleteProviderKey).not.toHaveBeenCalled();
      expect(has(sut, 'provider-masked-key-openai')).toBe(true);
      expect(document.activeElement).toBe(byTestId(sut, 'provider-delete-button-openai').element);
    });

    it('closes on Escape without deleting', async () => {
      const sut = await mountSut();

      await byTestId(sut, 'provider-delete-button-openai').trigger('click');
      await byTestId(sut, 'confirm-dialog').trigger('keydown', { key: 'Escape' });

      expect(sut.find('[data-testid="confirm-dialog"]').exists()).toBe(false);
      expect(api.deleteProviderKey).not.toHaveBeenCalled();
    });

    it('keeps Tab inside the dialog', async () => {
      const sut = await mountSut();
      await byTestId(sut, 'provider-delete-button-openai').trigger('click');
      const confirm = byTestId(sut, 'confirm-dialog-confirm').element as HTMLElement;
      confirm.focus();

      await byTestId(sut, 'confirm-dialog').trigger('keydown', { key: 'Tab' });

      expect(document.activeElement).toBe(byTestId(sut, 'confirm-dialog-cancel').element);
    });

    it('Confirm deletes the key', async () => {
      api.deleteProviderKey.mockResolvedValue(undefined);
      const sut = await mountSut();

      await byTestId(sut, 'provider-delete-button-openai').trigger('click');
      await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
      await flushPromises();

      expect(api.deleteProviderKey).toHaveBeenCalledWith(PERSONAL_OWNER, 'openai');
      expect(sut.find('[data-testid="confirm-dialog"]').exists()).toBe(false);
      expect(byTestId(sut, 'provider-not-configured-openai').text()).toBe('Not configured');
    });

    it('shows why a delete failed and keeps the key', async () => {
      api.deleteProviderKey.mockRejectedValue(openAIError(500, 'Internal server error'));
      const sut = await mountSut();

      await byTestId(sut, 'provider-delete-button-openai').trigger('click');
      await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
      await flushPromises();

      expect(byTestId(sut, 'confirm-dialog-error').text()).toBe('Internal server error');
      expect(has(sut, 'provider-masked-key-openai')).toBe(true);
    });
  });

  it('shows an error with a retry when the keys cannot be loaded', async () => {
    api.listProviderKeys.mockRejectedValueOnce(openAIError(503, 'The database is unavailable.'));
    const sut = await mountSut();

    expect(byTestId(sut, 'provider-keys-error').text()).toContain('The database is unavailable.');

    await byTestId(sut, 'provider-keys-retry').trigger('click');
    await flushPromises();

    expect(sut.find('[data-testid="provider-keys-error"]').exists()).toBe(false);
    expect(has(sut, 'provider-card-openai')).toBe(true);
  });

  it('always shows the key-safety note', async () => {
    const sut = await mountSut();

    const note = byTestId(sut, 'provider-keys-security-note').text();
    expect(note).toContain('AES-256-GCM');
    expect(note).toContain('never shown again');
    expect(note).toContain('revoke it');
  });
});
