import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestingPinia } from '@pinia/testing';
import * as teamsApi from '@/api/teams';
import { deferred, openAIError, teamMemberView } from '@/testing/fixtures';
import type { TeamMemberView } from '@uniroute/shared';
import { useTeamMembersStore } from './team-members';

vi.mock('@/api/teams');

const api = vi.mocked(teamsApi);
const owner = teamMemberView({ userId: 'u1', email: 'ada@example.com', role: 'owner' });
const bob = teamMemberView({ userId: 'u2', email: 'bob@example.com', role: 'member' });

function createSut() {
  createTestingPinia({ stubActions: false, createSpy: vi.fn });
  return useTeamMembersStore();
}

describe('useTeamMembersStore', () => {
  beforeEach(() => vi.resetAllMocks());

  it('loads one team\'s members', async () => {
    const sut = createSut();
    api.listTeamMembers.mockResolvedValue([owner, bob]);

    await sut.load('team-1');

    expect(api.listTeamMembers).toHaveBeenCalledWith('team-1');
    expect(sut.members).toHaveLength(2);
    expect(sut.notFound).toBe(false);
  });

  it('a 404 (not a member, or no such team) is "not found"', async () => {
    const sut = createSut();
    api.listTeamMembers.mockRejectedValue(openAIError(404, 'Team not found.'));

    await sut.load('someone-elses');

    expect(sut.notFound).toBe(true);
    expect(sut.members).toEqual([]);
  });

  it('ignores a slow answer for a team that is no longer open', async () => {
    const sut = createSut();
    const first = deferred<TeamMemberView[]>();
    api.listTeamMembers.mockReturnValueOnce(first.promise).mockResolvedValueOnce([bob]);

    const loadingFirst = sut.load('team-1');
    await sut.load('team-2');
    first.resolve([owner]);
    await loadingFirst;

    expect(sut.teamId).toBe('team-2');
    expect(sut.members).toEqual([bob]);
  });

  it('invite returns the link and keeps no token', async () => {
    const sut = createSut();
    api.listTeamMembers.mockResolvedValue([owner]);
    await sut.load('team-1');
    api.createTeamInvitation.mockResolvedValue({ id: 'i1', token: 'tinv_SECRET', expiresAt: '2099-01-01T00:00:00.000Z', url: 'http://x/invitations/tinv_SECRET' });

    const created = await sut.invite({ email: 'carol@example.com', role: 'admin' });

    expect(api.createTeamInvitation).toHaveBeenCalledWith('team-1', { email: 'carol@example.com', role: 'admin' });
    expect(created.token).toBe('tinv_SECRET');
    expect(JSON.stringify(sut.$state)).not.toContain('tinv_SECRET');
  });

  it('changeRole reads the members again (a transfer changes two rows)', async () => {
    const sut = createSut();
    api.listTeamMembers.mockResolvedValueOnce([owner, bob]);
    await sut.load('team-1');
    api.updateTeamMember.mockResolvedValue(undefined);
    api.listTeamMembers.mockResolvedValueOnce([{ ...owner, role: 'admin' }, { ...bob, role: 'owner' }]);

    await sut.changeRole('u2', 'owner');

    expect(api.updateTeamMember).toHaveBeenCalledWith('team-1', 'u2', 'owner');
    expect(sut.members.map((member) => member.role)).toEqual(['admin', 'owner']);
  });

  it('remove takes the member out at once and puts them back if the server refuses', async () => {
    const sut = createSut();
    api.listTeamMembers.mockResolvedValue([owner, bob]);
    await sut.load('team-1');
    api.removeTeamMember.mockRejectedValueOnce(openAIError(403, 'Only admins can remove members.'));

    await expect(sut.remove('u2')).rejects.toThrow();
    expect(sut.members.map((member) => member.userId)).toEqual(['u1', 'u2']);

    api.removeTeamMember.mockResolvedValue(undefined);
    await sut.remove('u2');
    expect(api.removeTeamMember).toHaveBeenLastCalledWith('team-1', 'u2');
    expect(sut.members.map((member) => member.userId)).toEqual(['u1']);
  });
});
