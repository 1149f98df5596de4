import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { RegistrationInfo } from '@uniroute/shared';
import * as authApi from '@/api/auth';
import * as teamsApi from '@/api/teams';
import { SESSION_STORAGE_KEY } from '@/api/session';
import { openAIError } from '@/testing/fixtures';
import RegisterView from './RegisterView.vue';

vi.mock('@/api/auth');
vi.mock('@/api/teams');

const api = vi.mocked(authApi);
const user = { id: 'u2', email: 'bob@example.com', role: 'user' as const, createdAt: '2025-01-01T00:00:00.000Z' };
const Blank = { template: '<div />' };

let wrapper: VueWrapper | undefined;

async function mountSut(path: string, info: RegistrationInfo | Error): Promise<{ sut: VueWrapper; router: Router }> {
  if (info instanceof Error) api.fetchRegistrationInfo.mockRejectedValue(info);
  else api.fetchRegistrationInfo.mockResolvedValue(info);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/register', name: 'register', component: RegisterView },
      { path: '/login', name: 'login', component: Blank },
      { path: '/settings/provider-keys', name: 'provider-keys', component: Blank },
      { path: '/settings/teams/:teamId/provider-keys', name: 'team-provider-keys', component: Blank },
      { path: '/invitations/:token', name: 'team-invitation', component: Blank },
    ],
  });
  await router.push(path);
  wrapper = mount(RegisterView, {
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  await flushPromises();
  return { sut: wrapper, router };
}

function has(sut: VueWrapper, testId: string): boolean {
  return sut.find(`[data-testid="${testId}"]`).exists();
}

async function submit(sut: VueWrapper): Promise<void> {
  await sut.get('[data-testid="register-email"]').setValue('bob@example.com');
  await sut.get('[data-testid="register-password"]').setValue('correct horse');
  await sut.get('[data-testid="register-form"]').trigger('submit');
  await flushPromises();
}

describe('RegisterView', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
    vi.mocked(teamsApi).listTeams.mockResolvedValue([]);
  });

  afterEach(() => wrapper?.unmount());

  it('tells the first account it will be the administrator', async () => {
    const { sut } = await mountSut('/register', { mode: 'invite', firstAccount: true });

    expect(sut.get('[data-testid="register-first-account"]').text()).toContain('it will be the administrator');
    expect(has(sut, 'register-form')).toBe(true);
  });

  it('explains invitation-only registration when there is no invitation, without a form', async () => {
    const { sut } = await mountSut('/register', { mode: 'invite', firstAccount: false });

    expect(sut.get('[data-testid="register-invitation-needed"]').text()).toContain(
      'Registration is by invitation',
    );
    expect(sut.text()).toContain('Ask your administrator for a link');
    expect(has(sut, 'register-form')).toBe(false);
    expect(has(sut, 'login-link')).toBe(true);
  });

  it('says when registration is closed', async () => {
    const { sut } = await mountSut('/register?invitation=abc', { mode: 'closed', firstAccount: false });

    expect(sut.get('[data-testid="register-closed"]').text()).toContain('Registration is closed');
    expect(has(sut, 'register-form')).toBe(false);
  });

  it('registers with the invitation from the link', async () => {
    api.register.mockResolvedValue({ user, accessToken: 'jwt', expiresIn: 3600 });
    const { sut, router } = await mountSut('/register?invitation=inv_token_123', { mode: 'invite', firstAccount: false });

    expect(has(sut, 'register-invited')).toBe(true);
    await submit(sut);

    expect(api.register).toHaveBeenCalledWith({ email: 'bob@example.com', password: 'correct horse', invitation: 'inv_token_123' });
    expect(router.currentRoute.value.name).toBe('provider-keys');
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toContain('jwt');
  });

  it('opens the team a team invitation made the new account a member of', async () => {
    api.register.mockResolvedValue({ user, accessToken: 'jwt', expiresIn: 3600 });
    vi.mocked(teamsApi).listTeams.mockResolvedValue([
      { id: 'team-7', name: 'Platform', role: 'member', memberCount: 3, createdAt: '2025-01-01T00:00:00.000Z' },
    ]);
    const { sut, router } = await mountSut('/register?invitation=team_token&redirect=/invitations/team_token', {
      mode: 'invite',
      firstAccount: false,
    });

    await submit(sut);

    expect(api.register).toHaveBeenCalledWith({ email: 'bob@example.com', password: 'correct horse', invitation: 'team_token' });
    expect(router.currentRoute.value.fullPath).toBe('/settings/teams/team-7/provider-keys');
  });

  it('comes back to the invitation page to accept when registering did not join the team (open registration)', async () => {
    api.register.mockResolvedValue({ user, accessToken: 'jwt', expiresIn: 3600 });
    vi.mocked(teamsApi).listTeams.mockResolvedValue([]);
    const { sut, router } = await mountSut('/register?invitation=team_token&redirect=/invitations/team_token', {
      mode: 'open',
      firstAccount: false,
    });

    await submit(sut);

    expect(router.currentRoute.value.fullPath).toBe('/invitations/team_token');
  });

  it('sends no invitation when registration is open', async () => {
    api.register.mockResolvedValue({ user, accessToken: 'jwt', expiresIn: 3600 });
    const { sut } = await mountSut('/register', { mode: 'open', firstAccount: false });

    await submit(sut);

    expect(api.register).toHaveBeenCalledWith({ email: 'bob@example.com', password: 'correct horse' });
  });

  it("shows the server's refusal of a used or expired invitation", async () => {
    api.register.mockRejectedValue(openAIError(403, 'This invitation is not valid.', 'permission_denied'));
    const { sut, router } = await mountSut('/register?invitation=used', { mode: 'invite', firstAccount: false });

    await submit(sut);

    expect(sut.get('[data-testid="register-error"]').text()).toBe('This invitation is not valid.');
    expect(router.currentRoute.value.name).toBe('register');
  });

  it('still offers the form when the mode cannot be checked (the server decides)', async () => {
    const { sut } = await mountSut('/register', new Error('Network Error'));

    expect(has(sut, 'register-form')).toBe(true);
  });
});
