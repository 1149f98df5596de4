import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import * as authApi from '@/api/auth';
import { SESSION_STORAGE_KEY, writeSession } from '@/api/session';
import { openAIError } from '@/testing/fixtures';
import Account from './Account.vue';

vi.mock('@/api/auth');

const api = vi.mocked(authApi);
const user = { id: 'u1', email: 'ada@example.com', role: 'user' as const, createdAt: '2025-01-01T00:00:00.000Z' };
const Blank = { template: '<div />' };

let wrapper: VueWrapper | undefined;

async function mountSut(): Promise<{ sut: VueWrapper; router: Router }> {
  writeSession({ accessToken: 'jwt', user, expiresAt: null });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/settings/account', name: 'account', component: Account },
      { path: '/login', name: 'login', component: Blank },
    ],
  });
  await router.push('/settings/account');
  wrapper = mount(Account, {
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  return { sut: wrapper, router };
}

function byTestId(sut: VueWrapper, testId: string) {
  return sut.get(`[data-testid="${testId}"]`);
}

async function fillPasswords(sut: VueWrapper, current: string, next: string, confirm = next): Promise<void> {
  await byTestId(sut, 'current-password').setValue(current);
  await byTestId(sut, 'new-password').setValue(next);
  await byTestId(sut, 'confirm-password').setValue(confirm);
  await byTestId(sut, 'change-password-form').trigger('submit');
  await flushPromises();
}

function inputValues(sut: VueWrapper): string[] {
  return sut.findAll('input[type="password"]').map((input) => (input.element as HTMLInputElement).value);
}

describe('Account', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
  });

  afterEach(() => wrapper?.unmount());

  it("shows the user's email and role", async () => {
    const { sut } = await mountSut();

    expect(byTestId(sut, 'account-email').text()).toBe('ada@example.com');
    expect(byTestId(sut, 'account-role').text()).toBe('User');
  });

  it('changes the password and says the other sessions were signed out', async () => {
    api.changePassword.mockResolvedValue(undefined);
    const { sut } = await mountSut();

    await fillPasswords(sut, 'old password', 'a new password');

    expect(api.changePassword).toHaveBeenCalledWith({ currentPassword: 'old password', newPassword: 'a new password' });
    expect(byTestId(sut, 'change-password-success').text()).toContain('Every other session was signed out');
    expect(inputValues(sut)).toEqual(['', '', '']);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toContain('jwt');
  });

  it("shows the server's message for a wrong current password and stays signed in", async () => {
    api.changePassword.mockRejectedValue(
      openAIError(401, 'The current password is wrong.', 'invalid_credentials', { Authorization: 'Bearer jwt' }),
    );
    const { sut, router } = await mountSut();

    await fillPasswords(sut, 'wrong password', 'a new password');

    expect(byTestId(sut, 'change-password-error').text()).toBe('The current password is wrong.');
    expect(sut.find('[data-testid="change-password-success"]').exists()).toBe(false);
    expect(inputValues(sut)).toEqual(['', '', '']);
    expect(router.currentRoute.value.name).toBe('account');
  });

  it('checks the new password before asking the server', async () => {
    const { sut } = await mountSut();

    await fillPasswords(sut, '', 'short', 'other');

    expect(api.changePassword).not.toHaveBeenCalled();
    expect(sut.text()).toContain('Enter your current password.');
    expect(sut.text()).toContain('Use at least 8 characters.');
    expect(sut.text()).toContain("The passwords don't match.");

    await fillPasswords(sut, 'same password', 'same password');
    expect(api.changePassword).not.toHaveBeenCalled();
    expect(sut.text()).toContain('different from the current one');
  });

  it('labels every input', async () => {
    const { sut } = await mountSut();

    for (const input of sut.findAll('input')) {
      expect(sut.find(`label[for="${input.attributes('id')}"]`).exists()).toBe(true);
    }
  });

  it('Log out revokes the session on the server, then goes to the login page', async () => {
    api.logout.mockResolvedValue(undefined);
    const { sut, router } = await mountSut();

    await byTestId(sut, 'account-logout').trigger('click');
    await flushPromises();

    expect(api.logout).toHaveBeenCalledTimes(1);
    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(router.currentRoute.value.name).toBe('login');
  });

  it('Log out still signs out of this browser when the server cannot be reached', async () => {
    api.logout.mockRejectedValue(new Error('Network Error'));
    const { sut, router } = await mountSut();

    await byTestId(sut, 'account-logout').trigger('click');
    await flushPromises();

    expect(localStorage.getItem(SESSION_STORAGE_KEY)).toBeNull();
    expect(router.currentRoute.value.name).toBe('login');
  });
});
