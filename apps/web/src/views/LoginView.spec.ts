import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import * as authApi from '@/api/auth';
import { SESSION_STORAGE_KEY } from '@/api/session';
import { openAIError } from '@/testing/fixtures';
import LoginView from './LoginView.vue';

vi.mock('@/api/auth');

const api = vi.mocked(authApi);
const user = { id: 'u1', email: 'ada@example.com', role: 'user' as const, createdAt: '2025-01-01T00:00:00.000Z' };
const Blank = { template: '<div />' };

let wrapper: VueWrapper | undefined;

async function mountSut(path: string): Promise<{ sut: VueWrapper; router: Router }> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView },
      { path: '/register', name: 'register', component: Blank },
      { path: '/settings/provider-keys', name: 'provider-keys', component: Blank },
      { path: '/settings/api-keys', name: 'api-keys', component: Blank },
    ],
  });
  await router.push(path);
  wrapper = mount(LoginView, {
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  return { sut: wrapper, router };
}

describe('LoginView', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
  });

  afterEach(() => wrapper?.unmount());

  it('logs in and goes back where the user was sent from', async () => {
    api.login.mockResolvedValue({ user, accessToken: 'jwt', expiresIn: 3600 });
    const { sut, router } = await mountSut('/login?redirect=/settings/api-keys');

    await sut.get('[data-testid="login-email"]').setValue('ada@example.com ');
    await sut.get('[data-testid="login-password"]').setValue('correct horse');
    await sut.get('[data-testid="login-form"]').trigger('submit');
    await flushPromises();

    expect(api.login).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'correct horse' });
    expect(router.currentRoute.value.fullPath).toBe('/settings/api-keys');
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toContain('jwt');
  });

  it('never follows a redirect outside the app', async () => {
    api.login.mockResolvedValue({ user, accessToken: 'jwt', expiresIn: 3600 });
    const { sut, router } = await mountSut('/login?redirect=//evil.example');

    await sut.get('[data-testid="login-email"]').setValue('ada@example.com');
    await sut.get('[data-testid="login-password"]').setValue('correct horse');
    await sut.get('[data-testid="login-form"]').trigger('submit');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('provider-keys');
  });

  it("shows the server's message for wrong credentials and clears the password", async () => {
    api.login.mockRejectedValue(openAIError(401, 'Invalid email or password.', 'invalid_credentials'));
    const { sut, router } = await mountSut('/login');

    await sut.get('[data-testid="login-email"]').setValue('ada@example.com');
    await sut.get('[data-testid="login-password"]').setValue('wrong');
    await sut.get('[data-testid="login-form"]').trigger('submit');
    await flushPromises();

    expect(sut.get('[data-testid="login-error"]').text()).toBe('Invalid email or password.');
    expect((sut.get('[data-testid="login-password"]').element as HTMLInputElement).value).toBe('');
    expect(router.currentRoute.value.name).toBe('login');
  });

  it('explains why the user was sent here when the session ended (revoked, disabled)', async () => {
    const { sut } = await mountSut('/login?redirect=/settings/api-keys&reason=expired');

    const notice = sut.get('[data-testid="login-session-ended"]');
    expect(notice.text()).toContain('Your session has ended');
    expect(notice.text()).toContain('an administrator disabled your account');
  });

  it('labels every input', async () => {
    const { sut } = await mountSut('/login');

    for (const input of sut.findAll('input')) {
      const id = input.attributes('id');
      expect(sut.find(`label[for="${id}"]`).exists()).toBe(true);
    }
  });
});
