import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import * as teamsApi from '@/api/teams';
import { openAIError, teamView } from '@/testing/fixtures';
import Teams from './Teams.vue';

vi.mock('@/api/teams');

const api = vi.mocked(teamsApi);
const Blank = { template: '<div />' };

let wrapper: VueWrapper | undefined;

async function mountSut(): Promise<{ sut: VueWrapper; router: Router }> {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/teams', name: 'teams', component: Blank },
      { path: '/teams/:teamId/provider-keys', name: 'team-provider-keys', component: Blank },
      { path: '/teams/:teamId/members', name: 'team-members', component: Blank },
    ],
  });
  await router.push('/teams');
  wrapper = mount(Teams, { global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] } });
  await flushPromises();
  return { sut: wrapper, router };
}

describe('Teams', () => {
  beforeEach(() => vi.resetAllMocks());
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('lists the teams with the caller\'s role and member count', async () => {
    api.listTeams.mockResolvedValue([teamView({ id: 't1', name: 'Platform', role: 'owner', memberCount: 3 }), teamView({ id: 't2', name: 'Solo', role: 'member', memberCount: 1 })]);
    const { sut } = await mountSut();

    const rows = sut.findAll('[data-testid="team-row"]');
    expect(rows.map((row) => row.get('[data-testid="team-row-link"]').text())).toEqual(['Platform', 'Solo']);
    expect(rows[0]?.get('[data-testid="team-row-role"]').text()).toBe('Owner');
    expect(rows[0]?.text()).toContain('3 members');
    expect(rows[1]?.text()).toContain('1 member');
    expect(rows[0]?.get('[data-testid="team-row-link"]').attributes('href')).toBe('/teams/t1/provider-keys');
  });

  it('shows the empty state', async () => {
    api.listTeams.mockResolvedValue([]);
    const { sut } = await mountSut();

    expect(sut.get('[data-testid="teams-empty"]').text()).toContain('No teams yet');
  });

  it('creates a team and opens its members page', async () => {
    api.listTeams.mockResolvedValue([]);
    api.createTeam.mockResolvedValue({ id: 'new', name: 'Research', role: 'owner', createdAt: '2025-02-01T00:00:00.000Z' });
    const { sut, router } = await mountSut();

    await sut.get('[data-testid="team-create-form"]').trigger('submit');
    expect(api.createTeam).not.toHaveBeenCalled();
    expect(sut.text()).toContain('Give the team a name.');

    await sut.get('[data-testid="team-name-input"]').setValue('  Research ');
    await sut.get('[data-testid="team-create-form"]').trigger('submit');
    await flushPromises();

    expect(api.createTeam).toHaveBeenCalledWith('Research');
    expect(router.currentRoute.value.fullPath).toBe('/teams/new/members');
  });

  it("shows the server's refusal to create one", async () => {
    api.listTeams.mockResolvedValue([]);
    api.createTeam.mockRejectedValue(openAIError(409, 'You are in too many teams already.'));
    const { sut } = await mountSut();

    await sut.get('[data-testid="team-name-input"]').setValue('One more');
    await sut.get('[data-testid="team-create-form"]').trigger('submit');
    await flushPromises();

    expect(sut.get('[data-testid="team-create-error"]').text()).toBe('You are in too many teams already.');
  });
});
