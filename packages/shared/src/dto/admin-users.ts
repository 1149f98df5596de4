import type { UserRole } from './auth.js';

/** A user as an admin sees it in `GET /admin/users` (§12). */
export interface AdminUserView {
  id: string;
  email: string;
  role: UserRole;
  disabled: boolean;
  createdAt: string;
  /** Last successful login, if any. */
  lastLoginAt: string | null;
}

/** `GET /admin/users?limit&before` (newest first; `before` = the last item's id of the previous page). */
export interface AdminUserPage {
  data: AdminUserView[];
  /** Pass as `before` for the next page; `null` on the last page. */
  nextCursor: string | null;
}

/** `PATCH /admin/users/:id` body. The last active admin cannot be demoted, disabled or deleted. */
export interface UpdateUserRequest {
  disabled?: boolean;
  role?: UserRole;
}

/** `POST /admin/invitations` body. */
export interface CreateInvitationRequest {
  /** When set, only this email can register with the invitation. */
  email?: string;
  /** 1 to 720; default 72. */
  expiresInHours?: number;
}

/** `POST /admin/invitations` (201): the token is shown once; only its hash is stored. */
export interface InvitationCreated {
  token: string;
  /** The settings page's register URL carrying the token, to copy and send. */
  url: string;
  expiresAt: string;
}

/** `GET /admin/invitations`: open (unused, unexpired) invitations, without their tokens. */
export interface InvitationView {
  id: string;
  email: string | null;
  createdAt: string;
  expiresAt: string;
}
