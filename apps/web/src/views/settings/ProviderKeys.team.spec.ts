import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { TeamRole } from '@uniroute/shared';
import * as auditApi from '@/api/audit';
import * as providerKeysApi from '@/api/provider-keys';
import * as teamsApi from '@/api/teams';
import { openAIError, providerKeyView, providerStatus, teamView } from '@/testing/fixtures';
import { PERSONAL_OWNER, teamOwner } from '@/utils/key-owner';
import ProviderKeys from './ProviderKeys.vue';

vi.mock('@/api/provider-keys');
vi.mock('@/api/teams');
vi.mock('@/api/audit');

const api = vi.mocked(providerKeysApi);
const teams = vi.mocked(teamsApi);
const TEAM = teamOwner('team-1');
/** Every control on a card that writes, tests or reveals. */
const WRITE_CONTROLS = ['add-button', 'replace-button', 'delete-button', 'test-button', 'active-toggle', 'policy-select', 'key-form'];

let wrapper: VueWrapper | undefined;

async function mountSut(teamId: string | null, role: TeamRole | null = 'owner'): Promise<VueWrapper> {
  teams.listTeams.mockResolvedValue(role ? [teamView({ id: 'team-1', name: 'Platform', role })] : []);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/', component: { template: '<div />' } }, { path: '/teams', name: 'teams', component: { template: '<div />' } }],
  });
  wrapper = mount(ProviderKeys, {
    props: { teamId },
    attachTo: document.body,
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  await flushPromises();
  return wrapper;
}

function has(sut: VueWrapper, testId: string): boolean {
  return sut.find(`[data-testid="${testId}"]`).exists();
}

describe('ProviderKeys for a team', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    vi.mocked(auditApi).listAuditEvents.mockResolvedValue({ events: [], next: null });
    api.listProviderKeys.mockResolvedValue([providerKeyView({ provider: 'anthropic', last4: 'te4m', fallbackPolicy: 'byok_only' })]);
    api.listProviderStatuses.mockResolvedValue([
      providerStatus('openai', { serverKeyConfigured: true, fallbackPolicy: 'server_only' }),
      providerStatus('anthropic'),
      providerStatus('google'),
    ]);
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it("loads the team's keys from the team's routes, not the user's", async () => {
    const sut = await mountSut('team-1', 'admin');

    expect(api.listProviderKeys).toHaveBeenCalledWith(TEAM);
    expect(api.listProviderKeys).not.toHaveBeenCalledWith(PERSONAL_OWNER);
    expect(sut.get('h1').text()).toBe('Platform · Provider keys');
    expect(sut.get('[data-testid="provider-masked-key-anthropic"]').text()).toBe('••••••••te4m');
    expect(sut.get('[data-testid="provider-provided-by-anthropic"]').text()).toBe('Provided by Platform');
    expect(sut.get('[data-testid="provider-fallback-anthropic"]').text()).toBe("The team's key is used for Anthropic requests.");
  });

  it("does not show the user's own policy as the team's", async () => {
    const sut = await mountSut('team-1', 'admin');

    // /admin/providers said the *user* always uses the server key for OpenAI; the team has no such policy.
    expect((sut.get('[data-testid="provider-policy-select-openai"]').element as HTMLSelectElement).value).toBe('byok_then_server');
    expect((sut.get('[data-testid="provider-policy-select-anthropic"]').element as HTMLSelectElement).value).toBe('byok_only');
    expect(sut.get('[data-testid="provider-policy-select-anthropic"]').text()).toContain("Only the team's key");
  });

  it('lets an admin add, replace, test and delete through the team routes', async () => {
    api.createProviderKey.mockResolvedValue(providerKeyView({ provider: 'openai', last4: 'n3w1' }));
    api.deleteProviderKey.mockResolvedValue(undefined);
    const sut = await mountSut('team-1', 'admin');

    await sut.get('[data-testid="provider-add-button-openai"]').trigger('click');
    await sut.get('[data-testid="provider-key-input-openai"]').setValue('sk-team-key-1234567890n3w1');
    await sut.get('[data-testid="provider-key-form-openai"]').trigger('submit');
    await flushPromises();
    expect(api.createProviderKey).toHaveBeenCalledWith(TEAM, { provider: 'openai', apiKey: 'sk-team-key-1234567890n3w1' });

    await sut.get('[data-testid="provider-delete-button-anthropic"]').trigger('click');
    expect(sut.get('[data-testid="confirm-dialog"]').text()).toContain("Delete Platform's Anthropic key?");
    await sut.get('[data-testid="confirm-dialog-confirm"]').trigger('click');
    await flushPromises();
    expect(api.deleteProviderKey).toHaveBeenCalledWith(TEAM, 'anthropic');
  });

  it('shows a member the masked view only: no add, replace, delete, test or policy control', async () => {
    const sut = await mountSut('team-1', 'member');

    expect(sut.get('[data-testid="provider-masked-key-anthropic"]').text()).toBe('••••••••te4m');
    expect(sut.get('[data-testid="provider-keys-read-only"]').text()).toContain('provided by Platform');
    expect(sut.get('[data-testid="provider-provided-by-anthropic"]').text()).toBe('Provided by Platform');
    expect(sut.get('[data-testid="provider-policy-anthropic"]').text()).toBe("Only the team's key (never the server key)");
    for (const provider of ['openai', 'anthropic', 'google']) {
      for (const control of WRITE_CONTROLS) {
        expect(has(sut, `provider-${control}-${provider}`), `${control} for ${provider}`).toBe(false);
      }
    }
    expect(sut.findAll('button').map((button) => button.text())).toEqual([]);
  });

  it('shows no write control while the role is still unknown', async () => {
    teams.listTeams.mockReturnValue(new Promise(() => undefined));
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div />' } }] });
    wrapper = mount(ProviderKeys, {
      props: { teamId: 'team-1' },
      global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
    });
    await flushPromises();

    expect(has(wrapper, 'provider-delete-button-anthropic')).toBe(false);
    expect(has(wrapper, 'provider-add-button-openai')).toBe(false);
  });

  it('says "not found" to a non-member, whom the API answers 404', async () => {
    api.listProviderKeys.mockRejectedValue(openAIError(404, 'Team not found.'));
    const sut = await mountSut('someone-elses', null);

    expect(sut.get('[data-testid="team-not-found"]').text()).toContain('Team not found');
    expect(has(sut, 'provider-card-openai')).toBe(false);
  });

  it("switching back to personal keys forgets the team's", async () => {
    const sut = await mountSut('team-1', 'admin');
    api.listProviderKeys.mockResolvedValue([]);

    await sut.setProps({ teamId: null });
    await flushPromises();

    expect(api.listProviderKeys).toHaveBeenLastCalledWith(PERSONAL_OWNER);
    expect(has(sut, 'provider-masked-key-anthropic')).toBe(false);
    expect(sut.get('h1').text()).toBe('Provider keys');
  });
});
