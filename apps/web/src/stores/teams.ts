import { defineStore } from 'pinia';
import type { TeamView } from '@uniroute/shared';
import * as teamsApi from '@/api/teams';
import { apiErrorMessage, apiErrorStatus } from '@/api/http';

interface TeamsState {
  /** The teams the signed-in user belongs to, each with their own role in it. */
  teams: TeamView[];
  loading: boolean;
  loaded: boolean;
  error: string | null;
}

/** The signed-in user's teams (§9): what the team switcher lists and what the team pages check roles against. */
export const useTeamsStore = defineStore('teams', {
  state: (): TeamsState => ({ teams: [], loading: false, loaded: false, error: null }),

  getters: {
    byId:
      (state) =>
      (teamId: string): TeamView | null =>
        state.teams.find((team) => team.id === teamId) ?? null,
  },

  actions: {
    async hydrate(): Promise<void> {
      this.loading = true;
      this.error = null;
      try {
        this.teams = await teamsApi.listTeams();
        this.loaded = true;
      } catch (error) {
        this.error = apiErrorMessage(error);
      } finally {
        this.loading = false;
      }
    },

    /** Loads the teams unless they already are (the shell and a team page both ask on first load). */
    async ensureLoaded(): Promise<void> {
      if (!this.loaded && !this.loading) await this.hydrate();
    },

    dehydrate(): void {
      this.$reset();
    },

    async create(name: string): Promise<TeamView> {
      const created = await teamsApi.createTeam(name);
      const team: TeamView = { id: created.id, name: created.name, role: created.role, memberCount: 1, createdAt: created.createdAt };
      this.teams = [...this.teams.filter((candidate) => candidate.id !== team.id), team];
      return team;
    },

    async rename(teamId: string, name: string): Promise<void> {
      await teamsApi.renameTeam(teamId, name);
      const team = this.teams.find((candidate) => candidate.id === teamId);
      if (team) team.name = name;
    },

    /** Deletes the team (owner only); a 404 means it is already gone, which is what was asked. */
    async remove(teamId: string): Promise<void> {
      try {
        await teamsApi.deleteTeam(teamId);
      } catch (error) {
        if (apiErrorStatus(error) !== 404) throw error;
      }
      this.forget(teamId);
    },

    /** Leaves the team: the same route an admin uses to remove someone, with one's own id. */
    async leave(teamId: string, ownUserId: string): Promise<void> {
      await teamsApi.removeTeamMember(teamId, ownUserId);
      this.forget(teamId);
    },

    /** Drops a team this user no longer belongs to (left, deleted, removed by an admin: the API answered 404). */
    forget(teamId: string): void {
      this.teams = this.teams.filter((team) => team.id !== teamId);
    },
  },
});
