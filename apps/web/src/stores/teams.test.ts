import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestingPinia } from '@pinia/testing';
import * as teamsApi from '@/api/teams';
import { openAIError, teamView } from '@/testing/fixtures';
import { useTeamsStore } from './teams';

vi.mock('@/api/teams');

const api = vi.mocked(teamsApi);

function createSut() {
  createTestingPinia({ stubActions: false, createSpy: vi.fn });
  return useTeamsStore();
}

describe('useTeamsStore', () => {
  beforeEach(() => vi.resetAllMocks());

  it('loads the teams once, however many pages ask', async () => {
    const sut = createSut();
    api.listTeams.mockResolvedValue([teamView()]);

    await Promise.all([sut.ensureLoaded(), sut.ensureLoaded()]);
    await sut.ensureLoaded();

    expect(api.listTeams).toHaveBeenCalledTimes(1);
    expect(sut.byId('team-1')?.name).toBe('Platform');
    expect(sut.byId('other')).toBeNull();
  });

  it('reports a load failure', async () => {
    const sut = createSut();
    api.listTeams.mockRejectedValue(openAIError(500, 'Internal server error'));

    await sut.hydrate();

    expect(sut.error).toBe('Internal server error');
    expect(sut.loaded).toBe(false);
  });

  it('create adds the new team with the caller as its owner', async () => {
    const sut = createSut();
    api.createTeam.mockResolvedValue({ id: 'new', name: 'Research', role: 'owner', createdAt: '2025-02-01T00:00:00.000Z' });

    const team = await sut.create('Research');

    expect(api.createTeam).toHaveBeenCalledWith('Research');
    expect(team).toMatchObject({ id: 'new', role: 'owner', memberCount: 1 });
    expect(sut.teams.map((candidate) => candidate.id)).toEqual(['new']);
  });

  it('rename changes the name only once the server agreed', async () => {
    const sut = createSut();
    sut.teams = [teamView()];
    api.renameTeam.mockRejectedValueOnce(openAIError(403, 'Only the owner can rename the team.'));

    await expect(sut.rename('team-1', 'Infra')).rejects.toThrow();
    expect(sut.byId('team-1')?.name).toBe('Platform');

    api.renameTeam.mockResolvedValue(undefined);
    await sut.rename('team-1', 'Infra');
    expect(sut.byId('team-1')?.name).toBe('Infra');
  });

  it('leave removes oneself with one\'s own id and forgets the team', async () => {
    const sut = createSut();
    sut.teams = [teamView({ role: 'member' })];
    api.removeTeamMember.mockResolvedValue(undefined);

    await sut.leave('team-1', 'me');

    expect(api.removeTeamMember).toHaveBeenCalledWith('team-1', 'me');
    expect(sut.teams).toEqual([]);
  });

  it('a refused leave (the last owner: 409) keeps the team', async () => {
    const sut = createSut();
    sut.teams = [teamView()];
    api.removeTeamMember.mockRejectedValue(openAIError(409, 'The owner cannot leave the team.'));

    await expect(sut.leave('team-1', 'me')).rejects.toThrow();

    expect(sut.teams).toHaveLength(1);
  });

  it('remove deletes the team; one already gone (404) is forgotten too', async () => {
    const sut = createSut();
    sut.teams = [teamView({ id: 'a' }), teamView({ id: 'b' })];
    api.deleteTeam.mockResolvedValueOnce(undefined).mockRejectedValueOnce(openAIError(404, 'Team not found.'));

    await sut.remove('a');
    await sut.remove('b');

    expect(sut.teams).toEqual([]);
  });
});
