/** `POST /auth/login` body. */
export interface CredentialsRequest {
  email: string;
  password: string;
}

/**
 * `POST /auth/register` body (§12): under `REGISTRATION=invite` the token from an invitation link
 * (`/register?invitation=…`); the first account on an empty database needs none.
 */
export interface RegisterRequest extends CredentialsRequest {
  invitation?: string;
}

/** What a user may do: the first account is `admin`, every later one `user` (§12). */
export const USER_ROLES = ['admin', 'user'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Who may create an account (§12). */
export const REGISTRATION_MODES = ['open', 'invite', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** A user as the API shows it to that user. */
export interface UserView {
  id: string;
  email: string;
  role: UserRole;
  createdAt: string;
}

/** `POST /auth/register` (201) and `POST /auth/login` (200) response. */
export interface AuthResponse {
  user: UserView;
  accessToken: string;
  /** Seconds until `accessToken` expires. */
  expiresIn: number;
}

/** `POST /auth/password` body: changing the password revokes every other session (§12). */
export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

/**
 * `GET /auth/registration` (public): what the register page needs to know before it asks —
 * the mode, and whether the database is empty (the first account can always register).
 */
export interface RegistrationInfo {
  mode: RegistrationMode;
  firstAccount: boolean;
}

/** Password policy shared by the register form and the server-side validation. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
