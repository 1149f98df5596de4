import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import * as authApi from '@/api/auth';
import * as teamsApi from '@/api/teams';
import { writeSession } from '@/api/session';
import { openAIError, teamView } from '@/testing/fixtures';
import TeamInvitationView from './TeamInvitationView.vue';

vi.mock('@/api/auth');
vi.mock('@/api/teams');

const api = vi.mocked(teamsApi);
const Blank = { template: '<div />' };
const TOKEN = 'tinv_abc123';

let wrapper: VueWrapper | undefined;

async function mountSut(signedIn: boolean): Promise<{ sut: VueWrapper; router: Router }> {
  if (signedIn) {
    writeSession({
      accessToken: 'jwt',
      user: { id: 'u2', email: 'bob@example.com', role: 'user', createdAt: '2025-01-01T00:00:00.000Z' },
      expiresAt: null,
    });
  }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/invitations/:token', name: 'team-invitation', component: Blank },
      { path: '/login', name: 'login', component: Blank },
      { path: '/register', name: 'register', component: Blank },
      { path: '/teams', name: 'teams', component: Blank },
      { path: '/teams/:teamId/provider-keys', name: 'team-provider-keys', component: Blank },
    ],
  });
  await router.push(`/invitations/${TOKEN}`);
  wrapper = mount(TeamInvitationView, {
    props: { token: TOKEN },
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  await flushPromises();
  return { sut: wrapper, router };
}

describe('TeamInvitationView', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('signed in: accepts, then opens the team', async () => {
    api.acceptTeamInvitation.mockResolvedValue({ teamId: 'team-9', role: 'member' });
    api.listTeams.mockResolvedValue([teamView({ id: 'team-9', role: 'member' })]);
    const { sut, router } = await mountSut(true);
    expect(sut.get('[data-testid="invitation-signed-in-as"]').text()).toContain('bob@example.com');
    expect(api.acceptTeamInvitation).not.toHaveBeenCalled();

    await sut.get('[data-testid="invitation-accept"]').trigger('click');
    await flushPromises();

    expect(api.acceptTeamInvitation).toHaveBeenCalledWith(TOKEN);
    expect(api.listTeams).toHaveBeenCalled();
    expect(router.currentRoute.value.fullPath).toBe('/teams/team-9/provider-keys');
  });

  it("signed in with another email, or a used or expired link: shows the API's message and stays", async () => {
    api.acceptTeamInvitation.mockRejectedValue(openAIError(404, 'This invitation is not valid for your account.'));
    const { sut, router } = await mountSut(true);

    await sut.get('[data-testid="invitation-accept"]').trigger('click');
    await flushPromises();

    expect(sut.get('[data-testid="invitation-error"]').text()).toBe('This invitation is not valid for your account.');
    expect(router.currentRoute.value.name).toBe('team-invitation');
  });

  it('"Use another account" signs out and offers to log in or register', async () => {
    vi.mocked(authApi).logout.mockResolvedValue(undefined);
    const { sut } = await mountSut(true);

    await sut.get('[data-testid="invitation-switch-account"]').trigger('click');
    await flushPromises();

    expect(vi.mocked(authApi).logout).toHaveBeenCalled();
    expect(sut.find('[data-testid="invitation-login"]').exists()).toBe(true);
  });

  it('signed out: log in and come back, or register with the invitation and come back', async () => {
    const { sut } = await mountSut(false);

    expect(sut.find('[data-testid="invitation-accept"]').exists()).toBe(false);
    const login = new URL(sut.get('[data-testid="invitation-login"]').attributes('href') ?? '', 'http://spa');
    expect(login.pathname).toBe('/login');
    expect(login.searchParams.get('redirect')).toBe(`/invitations/${TOKEN}`);
    const register = new URL(sut.get('[data-testid="invitation-register"]').attributes('href') ?? '', 'http://spa');
    expect(register.pathname).toBe('/register');
    expect(register.searchParams.get('invitation')).toBe(TOKEN);
    expect(register.searchParams.get('redirect')).toBe(`/invitations/${TOKEN}`);
  });
});
