import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createTestingPinia } from '@pinia/testing';
import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import type { TeamRole } from '@uniroute/shared';
import * as teamsApi from '@/api/teams';
import { writeSession } from '@/api/session';
import { useTeamMembersStore } from '@/stores/team-members';
import { useTeamsStore } from '@/stores/teams';
import { openAIError, teamMemberView, teamView } from '@/testing/fixtures';
import TeamMembers from './TeamMembers.vue';

vi.mock('@/api/teams');

const api = vi.mocked(teamsApi);
const Blank = { template: '<div />' };
const TOKEN = 'tinv_Very_Secret_Token_42';
const LINK = `https://gateway.example/invitations/${TOKEN}`;

const me = { id: 'me', email: 'ada@example.com' };
const members = (myRole: TeamRole) => [
  teamMemberView({ userId: 'me', email: me.email, role: myRole }),
  teamMemberView({ userId: 'owner-2', email: 'olga@example.com', role: 'owner' }),
  teamMemberView({ userId: 'admin-2', email: 'alan@example.com', role: 'admin' }),
  teamMemberView({ userId: 'member-2', email: 'bob@example.com', role: 'member' }),
].filter((member, index) => !(myRole === 'owner' && index === 1));

let wrapper: VueWrapper | undefined;

async function mountSut(myRole: TeamRole | null, teamId = 'team-1'): Promise<{ sut: VueWrapper; router: Router }> {
  writeSession({ accessToken: 'jwt', user: { ...me, role: 'user', createdAt: '2025-01-01T00:00:00.000Z' }, expiresAt: null });
  api.listTeams.mockResolvedValue(myRole ? [teamView({ id: 'team-1', name: 'Platform', role: myRole })] : []);
  api.listTeamMembers.mockResolvedValue(myRole ? members(myRole) : []);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/teams', name: 'teams', component: Blank },
      { path: '/teams/:teamId/members', name: 'team-members', component: Blank },
    ],
  });
  await router.push(`/teams/${teamId}/members`);
  wrapper = mount(TeamMembers, {
    props: { teamId },
    attachTo: document.body,
    global: { plugins: [router, createTestingPinia({ stubActions: false, createSpy: vi.fn })] },
  });
  await flushPromises();
  return { sut: wrapper, router };
}

function byTestId(sut: VueWrapper, testId: string) {
  return sut.get(`[data-testid="${testId}"]`);
}

function has(sut: VueWrapper, testId: string): boolean {
  return sut.find(`[data-testid="${testId}"]`).exists();
}

function row(sut: VueWrapper, email: string) {
  const found = sut.findAll('[data-testid="team-member-row"]').find((candidate) => candidate.attributes('data-email') === email);
  if (!found) throw new Error(`no row for ${email}`);
  return found;
}

describe('TeamMembers', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    localStorage.clear();
  });

  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('lists email, role and joined date, and marks the caller', async () => {
    const { sut } = await mountSut('member');

    const rows = sut.findAll('[data-testid="team-member-row"]');
    expect(rows.map((candidate) => candidate.get('[data-testid="team-member-email"]').text())).toEqual([
      'ada@example.com',
      'olga@example.com',
      'alan@example.com',
      'bob@example.com',
    ]);
    expect(row(sut, me.email).text()).toContain('You');
    expect(row(sut, 'olga@example.com').get('[data-testid="team-member-role"]').text()).toBe('Owner');
    expect(row(sut, 'bob@example.com').get('time').attributes('datetime')).toBe('2025-01-03T10:00:00.000Z');
    expect(byTestId(sut, 'team-role').text()).toBe('Member');
  });

  it('a member sees no write controls: no invite, no role change, no remove, no team settings — only Leave', async () => {
    const { sut } = await mountSut('member');

    expect(has(sut, 'team-invite-form')).toBe(false);
    expect(has(sut, 'team-member-role-select')).toBe(false);
    expect(has(sut, 'team-member-remove')).toBe(false);
    expect(has(sut, 'team-settings')).toBe(false);
    expect(has(sut, 'team-delete')).toBe(false);
    expect(row(sut, me.email).find('[data-testid="team-leave"]').exists()).toBe(true);
  });

  it('an admin invites and manages members and admins, but not the owner, and has no team settings', async () => {
    const { sut } = await mountSut('admin');

    expect(has(sut, 'team-invite-form')).toBe(true);
    expect(row(sut, 'olga@example.com').find('[data-testid="team-member-role-select"]').exists()).toBe(false);
    expect(row(sut, 'olga@example.com').find('[data-testid="team-member-remove"]').exists()).toBe(false);
    const bobRole = row(sut, 'bob@example.com').get('[data-testid="team-member-role-select"]');
    expect(bobRole.findAll('option').map((option) => option.attributes('value'))).toEqual(['admin', 'member']);
    expect(row(sut, 'alan@example.com').find('[data-testid="team-member-remove"]').exists()).toBe(true);
    expect(row(sut, me.email).find('[data-testid="team-member-role-select"]').exists()).toBe(false);
    expect(has(sut, 'team-settings')).toBe(false);
  });

  it('the owner may also give ownership, rename and delete, and cannot leave', async () => {
    const { sut } = await mountSut('owner');

    const bobRole = row(sut, 'bob@example.com').get('[data-testid="team-member-role-select"]');
    expect(bobRole.findAll('option').map((option) => option.attributes('value'))).toEqual(['owner', 'admin', 'member']);
    expect(has(sut, 'team-settings')).toBe(true);
    expect(has(sut, 'team-leave')).toBe(false);
    expect(byTestId(sut, 'team-owner-hint').text()).toContain("can't leave");
  });

  it('shows "not found" and nothing of the team to a non-member (the API answers 404)', async () => {
    api.listTeamMembers.mockRejectedValue(openAIError(404, 'Team not found.'));
    const { sut } = await mountSut(null, 'someone-elses-team');
    await flushPromises();

    expect(byTestId(sut, 'team-not-found').text()).toContain('Team not found');
    expect(has(sut, 'team-members-list')).toBe(false);
    expect(has(sut, 'team-invite-form')).toBe(false);
  });

  it('shows a 404 from the members route as "not found" even while the team list still names the team', async () => {
    const { sut } = await mountSut('member');
    expect(has(sut, 'team-members-list')).toBe(true);
    api.listTeamMembers.mockRejectedValue(openAIError(404, 'Team not found.'));

    // Removed by an admin meanwhile: the cached team list still has the team, the API says 404.
    await useTeamMembersStore().load('team-1');
    await flushPromises();

    expect(has(sut, 'team-not-found')).toBe(true);
    expect(has(sut, 'team-members-list')).toBe(false);
    expect(useTeamsStore().byId('team-1'), 'the switcher no longer lists it').toBeNull();
  });

  describe('inviting', () => {
    it('shows the invitation link once, copies it, and forgets it when dismissed', async () => {
      const writeText = vi.fn().mockResolvedValue(undefined);
      Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
      api.createTeamInvitation.mockResolvedValue({ id: 'i1', token: TOKEN, expiresAt: '2099-01-01T00:00:00.000Z', url: LINK });
      const { sut } = await mountSut('admin');

      await byTestId(sut, 'team-invite-email').setValue(' carol@example.com ');
      await byTestId(sut, 'team-invite-role').setValue('admin');
      await byTestId(sut, 'team-invite-form').trigger('submit');
      await flushPromises();

      expect(api.createTeamInvitation).toHaveBeenCalledWith('team-1', { email: 'carol@example.com', role: 'admin' });
      expect(byTestId(sut, 'new-team-invitation-value').text()).toBe(LINK);
      expect(byTestId(sut, 'new-team-invitation-callout').text()).toContain('for carol@example.com');
      expect((byTestId(sut, 'team-invite-email').element as HTMLInputElement).value).toBe('');

      await byTestId(sut, 'new-team-invitation-copy').trigger('click');
      await flushPromises();
      expect(writeText).toHaveBeenCalledWith(LINK);

      await byTestId(sut, 'new-team-invitation-dismiss').trigger('click');
      expect(sut.html()).not.toContain(TOKEN);
    });

    it('builds the link from the token when the API sends none', async () => {
      api.createTeamInvitation.mockResolvedValue({ id: 'i1', token: TOKEN, expiresAt: '2099-01-01T00:00:00.000Z', url: '' });
      const { sut } = await mountSut('owner');

      await byTestId(sut, 'team-invite-email').setValue('carol@example.com');
      await byTestId(sut, 'team-invite-form').trigger('submit');
      await flushPromises();

      expect(byTestId(sut, 'new-team-invitation-value').text()).toBe(`${window.location.origin}/invitations/${TOKEN}`);
    });

    it('needs a valid email and shows the server\'s refusal', async () => {
      api.createTeamInvitation.mockRejectedValue(openAIError(409, 'carol@example.com is already a member of this team.'));
      const { sut } = await mountSut('admin');

      await byTestId(sut, 'team-invite-form').trigger('submit');
      expect(api.createTeamInvitation).not.toHaveBeenCalled();
      expect(sut.text()).toContain('Enter the email address');

      await byTestId(sut, 'team-invite-email').setValue('carol@example.com');
      await byTestId(sut, 'team-invite-form').trigger('submit');
      await flushPromises();
      expect(byTestId(sut, 'team-invite-error').text()).toBe('carol@example.com is already a member of this team.');
    });
  });

  it('changes a role and shows the new one', async () => {
    const { sut } = await mountSut('admin');
    api.updateTeamMember.mockResolvedValue(undefined);
    api.listTeamMembers.mockResolvedValue(members('admin').map((member) => (member.userId === 'member-2' ? { ...member, role: 'admin' } : member)));

    await row(sut, 'bob@example.com').get('[data-testid="team-member-role-select"]').setValue('admin');
    await flushPromises();

    expect(api.updateTeamMember).toHaveBeenCalledWith('team-1', 'member-2', 'admin');
    expect(byTestId(sut, 'team-notice').text()).toBe('bob@example.com is now an admin.');
    expect((row(sut, 'bob@example.com').get('select').element as HTMLSelectElement).value).toBe('admin');
  });

  it("shows the API's 403 when a role change is refused, and keeps the old role", async () => {
    const { sut } = await mountSut('admin');
    api.updateTeamMember.mockRejectedValue(openAIError(403, 'Only the owner can change an admin.'));

    await row(sut, 'alan@example.com').get('[data-testid="team-member-role-select"]').setValue('member');
    await flushPromises();

    expect(byTestId(sut, 'team-action-error').text()).toBe('Only the owner can change an admin.');
    expect((row(sut, 'alan@example.com').get('select').element as HTMLSelectElement).value).toBe('admin');
  });

  it('transfers ownership only after confirming, then shows the caller as an admin', async () => {
    const { sut } = await mountSut('owner');
    api.updateTeamMember.mockResolvedValue(undefined);

    await row(sut, 'bob@example.com').get('[data-testid="team-member-role-select"]').setValue('owner');
    expect(byTestId(sut, 'confirm-dialog').text()).toContain('Make bob@example.com the owner?');
    expect(api.updateTeamMember).not.toHaveBeenCalled();
    await byTestId(sut, 'confirm-dialog-cancel').trigger('click');
    expect(api.updateTeamMember).not.toHaveBeenCalled();

    await row(sut, 'bob@example.com').get('[data-testid="team-member-role-select"]').setValue('owner');
    api.listTeams.mockResolvedValue([teamView({ id: 'team-1', name: 'Platform', role: 'admin' })]);
    api.listTeamMembers.mockResolvedValue([
      teamMemberView({ userId: 'me', email: me.email, role: 'admin' }),
      teamMemberView({ userId: 'member-2', email: 'bob@example.com', role: 'owner' }),
    ]);
    await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
    await flushPromises();

    expect(api.updateTeamMember).toHaveBeenCalledWith('team-1', 'member-2', 'owner');
    expect(byTestId(sut, 'team-role').text()).toBe('Admin');
    expect(has(sut, 'team-settings')).toBe(false);
    expect(has(sut, 'confirm-dialog')).toBe(false);
  });

  it('removes a member after confirming', async () => {
    const { sut } = await mountSut('admin');
    api.removeTeamMember.mockResolvedValue(undefined);

    await row(sut, 'bob@example.com').get('[data-testid="team-member-remove"]').trigger('click');
    expect(byTestId(sut, 'confirm-dialog').text()).toContain('team API keys stop working');
    await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
    await flushPromises();

    expect(api.removeTeamMember).toHaveBeenCalledWith('team-1', 'member-2');
    expect(sut.findAll('[data-testid="team-member-row"]').map((candidate) => candidate.attributes('data-email'))).not.toContain(
      'bob@example.com',
    );
  });

  it('leaves the team and goes to the teams page', async () => {
    const { sut, router } = await mountSut('member');
    api.removeTeamMember.mockResolvedValue(undefined);

    await byTestId(sut, 'team-leave').trigger('click');
    await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
    await flushPromises();

    expect(api.removeTeamMember).toHaveBeenCalledWith('team-1', 'me');
    expect(router.currentRoute.value.name).toBe('teams');
  });

  it("shows the API's 409 in the dialog when leaving is refused", async () => {
    const { sut, router } = await mountSut('member');
    api.removeTeamMember.mockRejectedValue(openAIError(409, 'The last owner cannot leave the team.'));

    await byTestId(sut, 'team-leave').trigger('click');
    await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
    await flushPromises();

    expect(byTestId(sut, 'confirm-dialog-error').text()).toBe('The last owner cannot leave the team.');
    expect(router.currentRoute.value.name).toBe('team-members');
  });

  it('the owner renames the team', async () => {
    const { sut } = await mountSut('owner');
    api.renameTeam.mockResolvedValue(undefined);

    await byTestId(sut, 'team-rename-input').setValue('Infrastructure');
    await byTestId(sut, 'team-rename-form').trigger('submit');
    await flushPromises();

    expect(api.renameTeam).toHaveBeenCalledWith('team-1', 'Infrastructure');
    expect(sut.get('h1').text()).toBe('Infrastructure · Members');
  });

  it('the owner deletes the team after confirming', async () => {
    const { sut, router } = await mountSut('owner');
    api.deleteTeam.mockResolvedValue(undefined);

    await byTestId(sut, 'team-delete').trigger('click');
    expect(byTestId(sut, 'confirm-dialog').text()).toContain('Delete Platform?');
    await byTestId(sut, 'confirm-dialog-confirm').trigger('click');
    await flushPromises();

    expect(api.deleteTeam).toHaveBeenCalledWith('team-1');
    expect(router.currentRoute.value.name).toBe('teams');
  });
});
