import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { UserRole } from '@uniroute/shared';
import * as authApi from '@/api/auth';
import { SESSION_STORAGE_KEY, writeSession } from '@/api/session';
import AppShell from './AppShell.vue';

vi.mock('@/api/auth');

const api = vi.mocked(authApi);
const Blank = { template: '<div />' };

let wrapper: VueWrapper | undefined;

async function mountSut(role: UserRole): Promise<{ sut: VueWrapper; router: Router }> {
  writeSession({
    accessToken: 'jwt',
    user: { id: 'u1', email: 'ada@example.com', role, createdAt: '2025-01-01T00:00:00.000Z' },
    expiresAt: null,
  });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['provider-keys', 'api-keys', 'usage', 'users', 'account', 'login'].map((name) => ({ path: `/${name}`, name, component: Blank })),
  });
  await router.push('/provider-keys');
  wrapper = mount(AppShell, {
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  return { sut: wrapper, router };
}

describe('AppShell', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
  });

  afterEach(() => wrapper?.unmount());

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
});
