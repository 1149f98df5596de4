import type { TeamRole } from '@uniroute/shared';

/** How each team role reads on the pages. */
export const TEAM_ROLE_LABELS: Readonly<Record<TeamRole, string>> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

/** Owners and admins manage members and the team's keys (§9); members only use them. */
export function canManageTeam(role: TeamRole | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}
