import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestingPinia } from '@pinia/testing';
import * as adminUsersApi from '@/api/admin-users';
import { adminUserView, invitationView, openAIError } from '@/testing/fixtures';
import { USERS_PAGE_SIZE, useAdminUsersStore } from './admin-users';

vi.mock('@/api/admin-users');

const api = vi.mocked(adminUsersApi);
const LAST_ADMIN = 'The last admin cannot be demoted, disabled or deleted.';

function createSut() {
  createTestingPinia({ stubActions: false, createSpy: vi.fn });
  return useAdminUsersStore();
}

describe('useAdminUsersStore', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listInvitations.mockResolvedValue([]);
  });

  it('loads the first page of users and the open invitations', async () => {
    const sut = createSut();
    api.listUsers.mockResolvedValue({ data: [adminUserView({ id: 'a' }), adminUserView({ id: 'b' })], nextCursor: 'b' });
    api.listInvitations.mockResolvedValue([invitationView()]);

    await sut.hydrate();

    expect(api.listUsers).toHaveBeenCalledWith({ limit: USERS_PAGE_SIZE });
    expect(sut.users.map((user) => user.id)).toEqual(['a', 'b']);
    expect(sut.nextCursor).toBe('b');
    expect(sut.invitations).toHaveLength(1);
    expect(sut.loaded).toBe(true);
  });

  it('reports a load failure', async () => {
    const sut = createSut();
    api.listUsers.mockRejectedValue(openAIError(403, 'Only admins can do this.', 'permission_denied'));

    await sut.hydrate();

    expect(sut.error).toBe('Only admins can do this.');
    expect(sut.loaded).toBe(false);
    expect(sut.loading).toBe(false);
  });

  it('loadMore appends the next page with the cursor and stops on the last one', async () => {
    const sut = createSut();
    sut.users = [adminUserView({ id: 'a' })];
    sut.nextCursor = 'a';
    api.listUsers.mockResolvedValue({ data: [adminUserView({ id: 'a' }), adminUserView({ id: 'c' })], nextCursor: null });

    await sut.loadMore();
    await sut.loadMore();

    expect(api.listUsers).toHaveBeenCalledTimes(1);
    expect(api.listUsers).toHaveBeenCalledWith({ limit: USERS_PAGE_SIZE, before: 'a' });
    expect(sut.users.map((user) => user.id)).toEqual(['a', 'c']);
    expect(sut.nextCursor).toBeNull();
  });

  it('update applies the server view', async () => {
    const sut = createSut();
    sut.users = [adminUserView()];
    api.updateUser.mockResolvedValue(adminUserView({ disabled: true }));

    await sut.update('user-1', { disabled: true });

    expect(api.updateUser).toHaveBeenCalledWith('user-1', { disabled: true });
    expect(sut.users[0]?.disabled).toBe(true);
  });

  it('update rolls back when the server refuses (the last admin)', async () => {
    const sut = createSut();
    sut.users = [adminUserView({ role: 'admin' })];
    api.updateUser.mockRejectedValue(openAIError(409, LAST_ADMIN, 'conflict'));

    const pending = sut.update('user-1', { role: 'user' });
    expect(sut.users[0]?.role).toBe('user'); // shown at once
    await expect(pending).rejects.toThrow();

    expect(sut.users[0]?.role).toBe('admin');
  });

  it('remove drops the user, also when it was already gone', async () => {
    const sut = createSut();
    sut.users = [adminUserView({ id: 'a' }), adminUserView({ id: 'b' })];
    api.deleteUser.mockResolvedValueOnce(undefined).mockRejectedValueOnce(openAIError(404, 'User not found'));

    await sut.remove('a');
    await sut.remove('b');

    expect(sut.users).toEqual([]);
  });

  it('remove keeps the user when the server refuses', async () => {
    const sut = createSut();
    sut.users = [adminUserView({ role: 'admin' })];
    api.deleteUser.mockRejectedValue(openAIError(409, LAST_ADMIN, 'conflict'));

    await expect(sut.remove('user-1')).rejects.toThrow();

    expect(sut.users).toHaveLength(1);
  });

  it('createInvitation returns the link once, refreshes the list and keeps no token', async () => {
    const sut = createSut();
    const created = { token: 'inv_secret_token', url: 'http://gw/register?invitation=inv_secret_token', expiresAt: '2099-01-01T00:00:00.000Z' };
    api.createInvitation.mockResolvedValue(created);
    api.listInvitations.mockResolvedValue([invitationView({ email: 'bob@example.com' })]);

    const result = await sut.createInvitation({ email: 'bob@example.com', expiresInHours: 24 });

    expect(api.createInvitation).toHaveBeenCalledWith({ email: 'bob@example.com', expiresInHours: 24 });
    expect(result).toEqual(created);
    expect(sut.invitations.map((invitation) => invitation.email)).toEqual(['bob@example.com']);
    expect(JSON.stringify(sut.$state)).not.toContain('inv_secret_token');
  });

  it('revokeInvitation removes it from the list', async () => {
    const sut = createSut();
    sut.invitations = [invitationView({ id: 'i1' }), invitationView({ id: 'i2' })];
    api.revokeInvitation.mockResolvedValue(undefined);

    await sut.revokeInvitation('i1');

    expect(api.revokeInvitation).toHaveBeenCalledWith('i1');
    expect(sut.invitations.map((invitation) => invitation.id)).toEqual(['i2']);
  });

  it('dehydrate forgets everything (logging out)', () => {
    const sut = createSut();
    sut.users = [adminUserView()];
    sut.invitations = [invitationView()];
    sut.loaded = true;

    sut.dehydrate();

    expect(sut.users).toEqual([]);
    expect(sut.invitations).toEqual([]);
    expect(sut.loaded).toBe(false);
  });
});
