/** `POST /auth/register` and `POST /auth/login` body. */
export interface CredentialsRequest {
  email: string;
  password: string;
}

/** A user as the API shows it. */
export interface UserView {
  id: string;
  email: string;
  createdAt: string;
}

/** `POST /auth/register` (201) and `POST /auth/login` (200) response. */
export interface AuthResponse {
  user: UserView;
  accessToken: string;
  /** Seconds until `accessToken` expires. */
  expiresIn: number;
}

/** Password policy shared by the register form and the server-side validation. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
