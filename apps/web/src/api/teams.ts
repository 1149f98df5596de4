import type {
  AcceptedTeamInvitation,
  CreatedTeam,
  CreatedTeamInvitation,
  CreateTeamInvitationRequest,
  TeamMemberView,
  TeamRole,
  TeamView,
} from '@uniroute/shared';
import { http } from './http';

function teamPath(teamId: string): string {
  return `/admin/teams/${encodeURIComponent(teamId)}`;
}

/** `GET /admin/teams`: the caller's teams, each with the caller's own role. */
export async function listTeams(): Promise<TeamView[]> {
  const response = await http.get<TeamView[]>('/admin/teams');
  return response.data;
}

/** `POST /admin/teams` → 201; the caller becomes its owner. */
export async function createTeam(name: string): Promise<CreatedTeam> {
  const response = await http.post<CreatedTeam>('/admin/teams', { name });
  return response.data;
}

/** `PATCH /admin/teams/:id` `{name}`. */
export async function renameTeam(teamId: string, name: string): Promise<void> {
  await http.patch(teamPath(teamId), { name });
}

/** `DELETE /admin/teams/:id` → 204 (owner only): its keys and team API keys go with it. */
export async function deleteTeam(teamId: string): Promise<void> {
  await http.delete(teamPath(teamId));
}

/** `GET /admin/teams/:id/members`; 404 for anyone who is not a member. */
export async function listTeamMembers(teamId: string): Promise<TeamMemberView[]> {
  const response = await http.get<TeamMemberView[]>(`${teamPath(teamId)}/members`);
  return response.data;
}

/** `PATCH /admin/teams/:id/members/:userId` `{role}`; `owner` transfers ownership (the old owner becomes an admin). */
export async function updateTeamMember(teamId: string, userId: string, role: TeamRole): Promise<void> {
  await http.patch(`${teamPath(teamId)}/members/${encodeURIComponent(userId)}`, { role });
}

/** `DELETE /admin/teams/:id/members/:userId` → 204: an admin removing someone, or anyone leaving (their own id). */
export async function removeTeamMember(teamId: string, userId: string): Promise<void> {
  await http.delete(`${teamPath(teamId)}/members/${encodeURIComponent(userId)}`);
}

/** `POST /admin/teams/:id/invitations` → 201: the only response that carries the token and its link. */
export async function createTeamInvitation(
  teamId: string,
  request: CreateTeamInvitationRequest,
): Promise<CreatedTeamInvitation> {
  const response = await http.post<CreatedTeamInvitation>(`${teamPath(teamId)}/invitations`, request);
  return response.data;
}

/** `POST /admin/invitations/:token/accept` → 200 for the signed-in user whose email the invitation names. */
export async function acceptTeamInvitation(token: string): Promise<AcceptedTeamInvitation> {
  const response = await http.post<AcceptedTeamInvitation>(`/admin/invitations/${encodeURIComponent(token)}/accept`);
  return response.data;
}
