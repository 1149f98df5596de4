import { defineStore } from 'pinia';
import type { CreatedTeamInvitation, CreateTeamInvitationRequest, TeamMemberView, TeamRole } from '@uniroute/shared';
import * as teamsApi from '@/api/teams';
import { apiErrorMessage, apiErrorStatus } from '@/api/http';

interface TeamMembersState {
  /** The team whose members are shown; switching teams starts over. */
  teamId: string | null;
  members: TeamMemberView[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** The team does not exist for this user (the API answers 404 to non-members). */
  notFound: boolean;
}

/** One team's members, for its members page. Invitation tokens go back to the caller and are not kept here. */
export const useTeamMembersStore = defineStore('team-members', {
  state: (): TeamMembersState => ({ teamId: null, members: [], loading: false, loaded: false, error: null, notFound: false }),

  actions: {
    async load(teamId: string): Promise<void> {
      if (this.teamId !== teamId) {
        this.$reset();
        this.teamId = teamId;
      }
      this.loading = true;
      this.error = null;
      try {
        const members = await teamsApi.listTeamMembers(teamId);
        if (this.teamId !== teamId) return; // another team was opened meanwhile
        this.members = members;
        this.loaded = true;
        this.notFound = false;
      } catch (error) {
        if (this.teamId !== teamId) return;
        this.notFound = apiErrorStatus(error) === 404;
        this.error = apiErrorMessage(error);
      } finally {
        if (this.teamId === teamId) this.loading = false;
      }
    },

    dehydrate(): void {
      this.$reset();
    },

    async invite(request: CreateTeamInvitationRequest): Promise<CreatedTeamInvitation> {
      const teamId = this.requireTeam();
      return teamsApi.createTeamInvitation(teamId, request);
    },

    /** Changes a role, then reads the members again: a transfer of ownership changes two rows. */
    async changeRole(userId: string, role: TeamRole): Promise<void> {
      const teamId = this.requireTeam();
      await teamsApi.updateTeamMember(teamId, userId, role);
      await this.load(teamId);
    },

    /** Removes someone at once; puts them back where they were if the server refuses. */
    async remove(userId: string): Promise<void> {
      const teamId = this.requireTeam();
      const index = this.members.findIndex((member) => member.userId === userId);
      const previous = index >= 0 ? this.members[index] : undefined;
      if (index >= 0) this.members.splice(index, 1);
      try {
        await teamsApi.removeTeamMember(teamId, userId);
      } catch (error) {
        if (apiErrorStatus(error) === 404) return; // already gone
        if (previous && !this.members.some((member) => member.userId === userId)) {
          this.members.splice(Math.min(index, this.members.length), 0, previous);
        }
        throw error;
      }
    },

    requireTeam(): string {
      if (!this.teamId) throw new Error('No team is open.');
      return this.teamId;
    },
  },
});
