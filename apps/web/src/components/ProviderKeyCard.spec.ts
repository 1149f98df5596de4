import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import type { ProviderKeyView, ProviderStatus } from '@uniroute/shared';
import * as providerKeysApi from '@/api/provider-keys';
import { describeCoverage } from '@/composables/useProviderKeys';
import { useProviderKeysStore } from '@/stores/provider-keys';
import { openAIError, providerKeyView, providerStatus } from '@/testing/fixtures';
import { PERSONAL_OWNER } from '@/utils/key-owner';
import ProviderKeyCard from './ProviderKeyCard.vue';

vi.mock('@/api/provider-keys');
const api = vi.mocked(providerKeysApi);

let wrapper: VueWrapper | undefined;

/** The card as the page renders it, with the store holding `key` and `status`. */
async function mountCard(key: ProviderKeyView | null, status: ProviderStatus = providerStatus('openai', { serverKeyConfigured: true })): Promise<VueWrapper> {
  const pinia = createTestingPinia({ stubActions: false, createSpy: vi.fn });
  const store = useProviderKeysStore(pinia);
  store.keys = key ? [key] : [];
  store.statuses = [status];
  wrapper = mount(
    {
      components: { ProviderKeyCard },
      setup: () => ({ store }),
      template: `<ProviderKeyCard :model="{ provider: 'openai', label: 'OpenAI', key: store.keys[0] ?? null, status: store.statuses[0] ?? null, coverage: describe(store.keys[0] ?? null, store.statuses[0] ?? null), consoleUrl: '#' }" />`,
      methods: { describe: (k: ProviderKeyView | null, s: ProviderStatus | null) => describeCoverage('openai', k, s) },
    },
    { attachTo: document.body, global: { plugins: [pinia] } },
  );
  await flushPromises();
  return wrapper;
}

const find = (sut: VueWrapper, testId: string) => sut.find(`[data-testid="${testId}"]`);

describe('ProviderKeyCard (§8)', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listProviderStatuses.mockResolvedValue([providerStatus('openai', { serverKeyConfigured: true })]);
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('offers the policy selector with no key stored, and saves the choice', async () => {
    api.setFallbackPolicy.mockResolvedValue({ provider: 'openai', fallbackPolicy: 'byok_only', key: null });
    const sut = await mountCard(null);
    api.listProviderStatuses.mockResolvedValue([providerStatus('openai', { serverKeyConfigured: true, fallbackPolicy: 'byok_only' })]);
    const select = find(sut, 'provider-policy-select-openai');
    expect((select.element as HTMLSelectElement).value).toBe('byok_then_server');
    await select.setValue('byok_only');
    await flushPromises();
    expect(api.setFallbackPolicy).toHaveBeenCalledWith(PERSONAL_OWNER, 'openai', 'byok_only');
    expect(find(sut, 'provider-fallback-openai').text()).toMatch(/never uses the server's key/);
  });

  it('puts the policy back and says why when the server refuses it', async () => {
    api.setFallbackPolicy.mockRejectedValue(openAIError(400, 'fallbackPolicy must be one of: byok_only, byok_then_server, server_only'));
    const sut = await mountCard(providerKeyView());
    await find(sut, 'provider-policy-select-openai').setValue('server_only');
    await flushPromises();
    expect((find(sut, 'provider-policy-select-openai').element as HTMLSelectElement).value).toBe('byok_then_server');
    expect(find(sut, 'provider-error-openai').text()).toMatch(/fallbackPolicy must be one of/);
  });

  it('shows a rejected key, why, and that requests use the server key meanwhile', async () => {
    const sut = await mountCard(providerKeyView({ health: 'rejected', healthReason: 'OpenAI rejected this key (HTTP 401) on a request.' }));
    expect(find(sut, 'provider-rejected-flag-openai').text()).toBe('Rejected by OpenAI');
    expect(find(sut, 'provider-health-reason-openai').text()).toBe('OpenAI rejected this key (HTTP 401) on a request.');
    expect(find(sut, 'provider-fallback-openai').attributes('data-coverage')).toBe('user-key-skipped');
  });

  it('shows until when a rate-limited key rests, and that requests fail under byok_only', async () => {
    const until = new Date(Date.now() + 60_000).toISOString();
    const sut = await mountCard(providerKeyView({ health: 'rate_limited', healthUntil: until, fallbackPolicy: 'byok_only', healthReason: 'OpenAI rate-limited this key (HTTP 429) on a request.' }));
    expect(find(sut, 'provider-health-openai').text()).toBe('Rate limited');
    expect(find(sut, 'provider-health-until-openai').text()).toMatch(/Skipped until/);
    expect(find(sut, 'provider-fallback-openai').attributes('data-coverage')).toBe('user-key-rejected');
  });

  it('clears the state after a successful test', async () => {
    api.testProviderKey.mockResolvedValue({ ok: true, provider: 'openai', latencyMs: 12, status: 200, message: 'Connected' });
    api.listProviderKeys.mockResolvedValue([providerKeyView({ health: 'ok', lastTestOk: true })]);
    const sut = await mountCard(providerKeyView({ health: 'quota_exhausted', healthReason: 'out of credit' }));
    expect(find(sut, 'provider-health-alert-openai').exists()).toBe(true);
    await find(sut, 'provider-test-button-openai').trigger('click');
    await flushPromises();
    expect(find(sut, 'provider-health-openai').text()).toBe('Working');
    expect(find(sut, 'provider-health-alert-openai').exists()).toBe(false);
  });

  it('warns when the saved key is in use by another account, without saying whose', async () => {
    api.createProviderKey.mockResolvedValue(providerKeyView({ warnings: ['key_in_use_elsewhere'] }));
    const sut = await mountCard(null);
    await find(sut, 'provider-add-button-openai').trigger('click');
    await find(sut, 'provider-key-input-openai').setValue('sk-proj-shared-key-0000');
    await find(sut, 'provider-key-form-openai').trigger('submit');
    await flushPromises();
    expect(find(sut, 'provider-in-use-elsewhere-openai').text()).toMatch(/Another UniRoute account has stored the same key/);
  });
});
