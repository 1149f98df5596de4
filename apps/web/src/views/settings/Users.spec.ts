import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import * as adminUsersApi from '@/api/admin-users';
import * as authApi from '@/api/auth';
import { writeSession } from '@/api/session';
import { adminUserView, deferred, invitationView, openAIError } from '@/testing/fixtures';
import Users from './Users.vue';

vi.mock('@/api/admin-users');
vi.mock('@/api/auth');

const api = vi.mocked(adminUsersApi);
const auth = vi.mocked(authApi);
const Blank = { template: '<div />' };
const LAST_ADMIN = 'There must be at least one active admin.';
const INVITATION_URL = 'http://localhost:3000/register?invitation=inv_9f8e7d6c5b4a';
const me = adminUserView({ id: 'me', email: 'admin@example.com', role: 'admin' });
const bob = adminUserView({ id: 'bob', email: 'bob@example.com', role: 'user' });

let wrapper: VueWrapper | undefined;

/** One page of users, copied: the store edits its rows in place (optimistic updates). */
function page(users: ReturnType<typeof adminUserView>[], nextCursor: string | null = null) {
  return { data: users.map((user) => ({ ...user })), nextCursor };
}

async function mountSut(): Promise<{ sut: VueWrapper; router: Router }> {
  writeSession({
    accessToken: 'jwt',
    user: { id: me.id, email: me.email, role: 'admin', createdAt: me.createdAt },
    expiresAt: null,
  });
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/settings/users', name: 'users', component: Users },
      { path: '/settings/provider-keys', name: 'provider-keys', component: Blank },
      { path: '/login', name: 'login', component: Blank },
    ],
  });
  await router.push('/settings/users');
  wrapper = mount(Users, {
    attachTo: document.body,
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  await flushPromises();
  return { sut: wrapper, router };
}

function byTestId(sut: VueWrapper, testId: string) {
  return sut.get(`[data-testid="${testId}"]`);
}

function row(sut: VueWrapper, id: string) {
  return sut.get(`[data-testid="user-row"][data-user-id="${id}"]`);
}

describe('Users', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
    api.listUsers.mockResolvedValue(page([bob, me]));
    api.listInvitations.mockResolvedValue([]);
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('lists the users with role, status and who "you" are', async () => {
    api.listUsers.mockResolvedValue(page([adminUserView({ ...bob, disabled: true }), me]));
    const { sut } = await mountSut();

    expect(sut.findAll('[data-testid="user-row"]')).toHaveLength(2);
    expect((row(sut, 'me').get('[data-testid="user-role"]').element as HTMLSelectElement).value).toBe('admin');
    expect(row(sut, 'me').text()).toContain('You');
    expect(row(sut, 'bob').text()).not.toContain('You');
    expect(row(sut, 'bob').get('[role="switch"]').attributes('aria-checked')).toBe('false');
    expect(row(sut, 'bob').get('[role="switch"]').text()).toBe('Disabled');
    expect(row(sut, 'me').get('[role="switch"]').attributes('aria-checked')).toBe('true');
  });

  it('labels every control for assistive technology', async () => {
    const { sut } = await mountSut();

    expect(row(sut, 'bob').get('[data-testid="user-role"]').attributes('aria-label')).toBe('Role of bob@example.com');
    expect(row(sut, 'bob').get('[role="switch"]').attributes('aria-label')).toBe('bob@example.com may sign in');
    expect(row(sut, 'bob').get('[data-testid="user-delete"]').attributes('aria-label')).toBe('Delete bob@example.com');
    for (const input of sut.findAll('input, form select')) {
      expect(sut.find(`label[for="${input.attributes('id')}"]`).exists()).toBe(true);
    }
  });

  it('shows a load error with a retry', async () => {
    api.listUsers.mockRejectedValueOnce(openAIError(403, 'Only admins can manage users.', 'permission_denied'));
    const { sut } = await mountSut();

    expect(byTestId(sut, 'users-error').text()).toContain('Only admins can manage users.');

    await byTestId(sut, 'users-retry').trigger('click');
    await flushPromises();
    expect(sut.findAll('[data-testid="user-row"]')).toHaveLength(2);
  });

  it('pages with "Load more" until the last page', async () => {
    api.listUsers
      .mockResolvedValueOnce(page([bob], 'bob'))
      .mockResolvedValueOnce(page([me]));
    const { sut } = await mountSut();

    await byTestId(sut, 'users-load-more').trigger('click');
    await flushPromises();

    expect(api.listUsers).toHaveBeenLastCalledWith({ limit: 25, before: 'bob' });
    expect(sut.findAll('[data-testid="user-row"]').map((tr) => tr.attributes('data-user-id'))).toEqual(['bob', 'me']);
    expect(sut.find('[data-testid="users-load-more"]').exists()).toBe(false);
  });

  it('changes a role', async () => {
    api.updateUser.mockResolvedValue({ ...bob, role: 'admin' });
    const { sut } = await mountSut();

    await row(sut, 'bob').get('[data-testid="user-role"]').setValue('admin');
    await flushPromises();

    expect(api.updateUser).toHaveBeenCalledWith('bob', { role: 'admin' });
    expect((row(sut, 'bob').get('[data-testid="user-role"]').element as HTMLSelectElement).value).toBe('admin');
    expect(byTestId(sut, 'users-notice').text()).toContain('bob@example.com is now an admin');
  });

  it("shows the server's message when the last admin would be demoted, and keeps the role", async () => {
    api.updateUser.mockRejectedValue(openAIError(409, LAST_ADMIN, 'conflict'));
    const { sut } = await mountSut();

    await row(sut, 'me').get('[data-testid="user-role"]').setValue('user');
    await flushPromises();

    expect(byTestId(sut, 'users-action-error').text()).toBe(LAST_ADMIN);
    expect(byTestId(sut, 'users-action-error').attributes('role')).toBe('alert');
    expect((row(sut, 'me').get('[data-testid="user-role"]').element as HTMLSelectElement).value).toBe('admin');
    expect(auth.fetchCurrentUser).not.toHaveBeenCalled();
  });

  it('disables and re-enables a user with the switch', async () => {
    const pending = deferred<typeof bob>();
    api.updateUser.mockReturnValueOnce(pending.promise).mockResolvedValueOnce({ ...bob });
    const { sut } = await mountSut();
    const toggle = () => row(sut, 'bob').get('[role="switch"]');

    await toggle().trigger('click');
    expect(api.updateUser).toHaveBeenCalledWith('bob', { disabled: true });
    expect(toggle().attributes('aria-busy')).toBe('true');
    pending.resolve({ ...bob, disabled: true });
    await flushPromises();
    expect(toggle().attributes('aria-checked')).toBe('false');
    expect(byTestId(sut, 'users-notice').text()).toContain('bob@example.com is disabled');

    await toggle().trigger('click');
    await flushPromises();
    expect(api.updateUser).toHaveBeenLastCalledWith('bob', { disabled: false });
    expect(toggle().attributes('aria-checked')).toBe('true');
  });

  it('an admin who demotes themselves leaves the page', async () => {
    api.updateUser.mockResolvedValue({ ...me, role: 'user' });
    auth.fetchCurrentUser.mockResolvedValue({ id: me.id, email: me.email, role: 'user', createdAt: me.createdAt });
    api.listUsers.mockResolvedValue(page([me, adminUserView({ id: 'other', email: 'other@example.com', role: 'admin' })]));
    const { sut, router } = await mountSut();

    await row(sut, 'me').get('[data-testid="user-role"]').setValue('user');
    await flushPromises();

    expect(router.currentRoute.value.name).toBe('provider-keys');
  });

  describe('delete', () => {
    it('asks first; Cancel keeps the user', async () => {
      const { sut } = await mountSut();

      await row(sut, 'bob').get('[data-testid="user-delete"]').trigger('click');
      expect(byTestId(sut, 'confirm-dialog').text()).toContain('Delete bob@example.com?');
      expect(document.activeElement).toBe(byTestId(sut, 'confirm-dialog-cancel').element);
      await byTestId(sut, 'confirm-dialog-cancel').trigger('click');

      expect(api.deleteUser).not.toHaveBeenCalled();
      expect(sut.findAll('[data-testid="user-row"]')).toHaveLength(2);
    });

    it('Confirm deletes the user', async () => {
      api.deleteUser.mockResolvedValue(undefined);
      const { sut } = await mountSut();

      await row(sut, 'bob').get('[data-testid="user-delete"]').trigger('click');
      await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
      await flushPromises();

      expect(api.deleteUser).toHaveBeenCalledWith('bob');
      expect(sut.find('[data-testid="confirm-dialog"]').exists()).toBe(false);
      expect(sut.find('[data-user-id="bob"]').exists()).toBe(false);
      expect(byTestId(sut, 'users-notice').text()).toContain('bob@example.com was deleted');
    });

    it("shows the server's refusal in the dialog (the last admin)", async () => {
      api.deleteUser.mockRejectedValue(openAIError(409, LAST_ADMIN, 'conflict'));
      const { sut } = await mountSut();

      await row(sut, 'me').get('[data-testid="user-delete"]').trigger('click');
      await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
      await flushPromises();

      expect(byTestId(sut, 'confirm-dialog-error').text()).toBe(LAST_ADMIN);
      expect(sut.find('[data-user-id="me"]').exists()).toBe(true);
    });
  });

  describe('invitations', () => {
    it('creates one for an email, shows the link once with Copy, and forgets it when done', async () => {
      const writeText = vi.fn().mockResolvedValue(undefined);
      Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
      api.createInvitation.mockResolvedValue({ token: 'inv_9f8e7d6c5b4a', url: INVITATION_URL, expiresAt: '2099-01-01T00:00:00.000Z' });
      const { sut } = await mountSut();
      api.listInvitations.mockResolvedValue([invitationView({ email: 'carol@example.com' })]);

      await byTestId(sut, 'invite-email').setValue(' carol@example.com ');
      await byTestId(sut, 'invite-expiry').setValue('168');
      await byTestId(sut, 'invite-form').trigger('submit');
      await flushPromises();

      expect(api.createInvitation).toHaveBeenCalledWith({ email: 'carol@example.com', expiresInHours: 168 });
      expect(byTestId(sut, 'new-invitation-value').text()).toBe(INVITATION_URL);
      expect(byTestId(sut, 'new-invitation-callout').text()).toContain('for carol@example.com');
      expect(byTestId(sut, 'invitation-email').text()).toBe('carol@example.com');
      expect((byTestId(sut, 'invite-email').element as HTMLInputElement).value).toBe('');

      await byTestId(sut, 'new-invitation-copy').trigger('click');
      await flushPromises();
      expect(writeText).toHaveBeenCalledWith(INVITATION_URL);
      expect(byTestId(sut, 'new-invitation-copy').text()).toBe('Copied');

      await byTestId(sut, 'new-invitation-dismiss').trigger('click');
      expect(sut.html()).not.toContain('inv_9f8e7d6c5b4a');
    });

    it('creates one for anyone with the link, 3 days by default', async () => {
      api.createInvitation.mockResolvedValue({ token: 't', url: INVITATION_URL, expiresAt: '2099-01-01T00:00:00.000Z' });
      const { sut } = await mountSut();

      await byTestId(sut, 'invite-form').trigger('submit');
      await flushPromises();

      expect(api.createInvitation).toHaveBeenCalledWith({ expiresInHours: 72 });
    });

    it('refuses a malformed email before asking the server', async () => {
      const { sut } = await mountSut();

      await byTestId(sut, 'invite-email').setValue('not-an-email');
      await byTestId(sut, 'invite-form').trigger('submit');

      expect(api.createInvitation).not.toHaveBeenCalled();
      expect(sut.text()).toContain('Enter a valid email address');
    });

    it("shows the server's error", async () => {
      api.createInvitation.mockRejectedValue(openAIError(400, 'expiresInHours must not be greater than 720'));
      const { sut } = await mountSut();

      await byTestId(sut, 'invite-form').trigger('submit');
      await flushPromises();

      expect(byTestId(sut, 'invite-error').text()).toBe('expiresInHours must not be greater than 720');
    });

    it('lists open invitations and revokes one', async () => {
      api.listInvitations.mockResolvedValue([invitationView({ id: 'i1' }), invitationView({ id: 'i2', email: 'dan@example.com' })]);
      api.revokeInvitation.mockResolvedValue(undefined);
      const { sut } = await mountSut();

      const rows = sut.findAll('[data-testid="invitation-row"]');
      expect(rows.map((item) => item.get('[data-testid="invitation-email"]').text())).toEqual(['Anyone with the link', 'dan@example.com']);

      await rows[1]!.get('[data-testid="invitation-revoke"]').trigger('click');
      await flushPromises();

      expect(api.revokeInvitation).toHaveBeenCalledWith('i2');
      expect(sut.findAll('[data-testid="invitation-row"]')).toHaveLength(1);
      expect(byTestId(sut, 'users-notice').text()).toContain('for dan@example.com was revoked');
    });
  });
});
