/** Teams and shared provider keys (§9). */

/** `owner` (exactly one; can transfer), `admin` (members and team keys), `member` (uses the team's keys, sees them masked). */
export const TEAM_ROLES = ['owner', 'admin', 'member'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** Roles an invitation can grant: ownership is only ever transferred. */
export const TEAM_INVITABLE_ROLES = ['admin', 'member'] as const;
export type TeamInvitableRole = (typeof TEAM_INVITABLE_ROLES)[number];

export const TEAM_NAME_MAX_LENGTH = 100;

/** `POST /admin/teams` and `PATCH /admin/teams/:id` body. */
export interface TeamNameRequest {
  name: string;
}

/** `POST /admin/teams` response. */
export interface CreatedTeam {
  id: string;
  name: string;
  role: 'owner';
  createdAt: string;
}

/** A team as `GET /admin/teams` lists it: the caller's own role in it. */
export interface TeamView {
  id: string;
  name: string;
  role: TeamRole;
  memberCount: number;
  createdAt: string;
}

/** `GET /admin/teams/:id/members` item. */
export interface TeamMemberView {
  userId: string;
  email: string;
  role: TeamRole;
  joinedAt: string;
}

/** `PATCH /admin/teams/:id/members/:userId` body; `owner` transfers ownership (the old owner becomes `admin`). */
export interface UpdateTeamMemberRequest {
  role: TeamRole;
}

/** `POST /admin/teams/:id/invitations` body. */
export interface CreateTeamInvitationRequest {
  email: string;
  role: TeamInvitableRole;
}

/** `POST /admin/teams/:id/invitations` response: the only time `token` is shown. */
export interface CreatedTeamInvitation {
  id: string;
  token: string;
  expiresAt: string;
  /** The link the invitee opens (settings page), built from `PUBLIC_URL` or the request's origin. */
  url: string;
}

/** `POST /admin/invitations/:token/accept` response. */
export interface AcceptedTeamInvitation {
  teamId: string;
  role: TeamRole;
}

/** `GET /admin/teams/:id/invitations` item: an open invitation (never its token; only the hash is stored). */
export interface TeamInvitationView {
  id: string;
  email: string;
  role: TeamInvitableRole;
  createdAt: string;
  expiresAt: string;
}

/** The names the brief uses for the same shapes. */
export type TeamInvitationCreated = CreatedTeamInvitation;
export type InvitationAccepted = AcceptedTeamInvitation;

/** Team invitation tokens start with this, so a leaked one is recognisable and `/auth/register` can tell the two kinds apart. */
export const TEAM_INVITATION_TOKEN_PREFIX = 'tinv_';

/** Response header naming the team whose key (or policy) served a team API key's request. */
export const TEAM_ID_HEADER = 'x-uniroute-team-id';
