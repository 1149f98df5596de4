import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { UserRole } from '@uniroute/shared';
import * as authApi from '@/api/auth';
import * as teamsApi from '@/api/teams';
import { SESSION_STORAGE_KEY, writeSession } from '@/api/session';
import { teamView } from '@/testing/fixtures';
import AppShell from './AppShell.vue';

vi.mock('@/api/auth');
vi.mock('@/api/teams');

const api = vi.mocked(authApi);
const teams = vi.mocked(teamsApi);
const Blank = { template: '<div />' };

let wrapper: VueWrapper | undefined;

async function mountSut(role: UserRole, path = '/provider-keys'): Promise<{ sut: VueWrapper; router: Router }> {
  writeSession({
    accessToken: 'jwt',
    user: { id: 'u1', email: 'ada@example.com', role, createdAt: '2025-01-01T00:00:00.000Z' },
    expiresAt: null,
  });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      ...['provider-keys', 'api-keys', 'usage', 'users', 'account', 'login', 'teams'].map((name) => ({ path: `/${name}`, name, component: Blank })),
      { path: '/teams/:teamId/provider-keys', name: 'team-provider-keys', component: Blank },
      { path: '/teams/:teamId/members', name: 'team-members', component: Blank },
      { path: '/teams/:teamId/usage', name: 'team-usage', component: Blank },
    ],
  });
  await router.push(path);
  wrapper = mount(AppShell, {
    attachTo: document.body,
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  await flushPromises();
  return { sut: wrapper, router };
}

function byTestId(sut: VueWrapper, testId: string) {
  return sut.get(`[data-testid="${testId}"]`);
}

describe('AppShell', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
    teams.listTeams.mockResolvedValue([
      teamView({ id: 't1', name: 'Platform', role: 'owner' }),
      teamView({ id: 't2', name: 'Research', role: 'member' }),
    ]);
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('shows the Users entry to admins only', async () => {
    const admin = await mountSut('admin');
    expect(admin.sut.find('[data-testid="nav-users"]').exists()).toBe(true);
    admin.sut.unmount();

    const { sut } = await mountSut('user');
    expect(sut.find('[data-testid="nav-users"]').exists()).toBe(false);
    expect(sut.find('[data-testid="nav-account"]').exists()).toBe(true);
  });

  it('links every signed-in user to the Usage page', async () => {
    const { sut } = await mountSut('user');

    expect(sut.get('[data-testid="nav-usage"]').attributes('href')).toBe('/usage');
  });

  it('Log out calls the server first, then goes to the login page', async () => {
    api.logout.mockResolvedValue(undefined);
    const { sut, router } = await mountSut('user');

    await sut.get('[data-testid="logout-button"]').trigger('click');
    await flushPromises();

    expect(api.logout).toHaveBeenCalledTimes(1);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(router.currentRoute.value.name).toBe('login');
  });

  describe('team switcher', () => {
    it('says "Personal" on personal pages and lists Personal, every team and Create team', async () => {
      const { sut } = await mountSut('user');
      const button = byTestId(sut, 'team-switcher-button');
      expect(byTestId(sut, 'team-switcher-current').text()).toBe('Personal');
      expect(button.attributes('aria-expanded')).toBe('false');

      await button.trigger('click');

      expect(button.attributes('aria-expanded')).toBe('true');
      expect(byTestId(sut, 'team-switcher-menu').isVisible()).toBe(true);
      expect(byTestId(sut, 'team-switcher-personal').attributes('aria-current')).toBe('true');
      const entries = sut.findAll('[data-testid="team-switcher-team"]');
      expect(entries.map((entry) => entry.text())).toEqual(['PlatformOwner', 'ResearchMember']);
      expect(entries[0]?.attributes('href')).toBe('/teams/t1/provider-keys');
      expect(byTestId(sut, 'team-switcher-create').attributes('href')).toBe('/teams?create=1');
      expect(document.activeElement).toBe(byTestId(sut, 'team-switcher-personal').element);
    });

    it('takes the selected team from the URL, and shows that team\'s pages in the navigation', async () => {
      const { sut } = await mountSut('user', '/teams/t2/members');

      expect(byTestId(sut, 'team-switcher-current').text()).toBe('Research');
      expect(byTestId(sut, 'nav-provider-keys').attributes('href')).toBe('/teams/t2/provider-keys');
      expect(byTestId(sut, 'nav-team-members').attributes('href')).toBe('/teams/t2/members');
      expect(byTestId(sut, 'nav-api-keys').attributes('href')).toBe('/api-keys?team=t2');
    });

    it('switches by following a link, and closes', async () => {
      const { sut, router } = await mountSut('user');
      await byTestId(sut, 'team-switcher-button').trigger('click');

      await sut.findAll('[data-testid="team-switcher-team"]')[0]?.trigger('click');
      await flushPromises();

      expect(router.currentRoute.value.fullPath).toBe('/teams/t1/provider-keys');
      expect(byTestId(sut, 'team-switcher-current').text()).toBe('Platform');
      expect(byTestId(sut, 'team-switcher-button').attributes('aria-expanded')).toBe('false');
      expect(sut.find('[data-testid="nav-team-members"]').exists()).toBe(true);
    });

    it('works from the keyboard: arrows move through the entries, Esc closes and returns focus', async () => {
      const { sut } = await mountSut('user');
      const button = byTestId(sut, 'team-switcher-button');
      await button.trigger('click');

      await byTestId(sut, 'team-switcher-menu').trigger('keydown', { key: 'ArrowDown' });
      expect(document.activeElement?.textContent).toContain('Platform');
      await byTestId(sut, 'team-switcher-menu').trigger('keydown', { key: 'ArrowUp' });
      await byTestId(sut, 'team-switcher-menu').trigger('keydown', { key: 'ArrowUp' });
      expect(document.activeElement).toBe(byTestId(sut, 'team-switcher-create').element);

      await byTestId(sut, 'team-switcher-menu').trigger('keydown', { key: 'Escape' });
      expect(button.attributes('aria-expanded')).toBe('false');
      expect(document.activeElement).toBe(button.element);
    });
  });
});
