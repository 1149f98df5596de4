import type {
  AuthResponse,
  ChangePasswordRequest,
  CredentialsRequest,
  RegisterRequest,
  RegistrationInfo,
  UserView,
} from '@uniroute/shared';
import { http } from './http';

/** `GET /auth/registration` (public): who may register here, and whether this is the first account. */
export async function fetchRegistrationInfo(): Promise<RegistrationInfo> {
  const response = await http.get<RegistrationInfo>('/auth/registration');
  return response.data;
}

/**
 * `POST /auth/register` → 201; 403 when registration is closed or the invitation is missing,
 * wrong, used, expired or for another email; 409 when the email is taken, 400 when invalid.
 */
export async function register(request: RegisterRequest): Promise<AuthResponse> {
  const response = await http.post<AuthResponse>('/auth/register', request);
  return response.data;
}

/** `POST /auth/login` → 200; 401 on wrong credentials, 429 when rate-limited. */
export async function login(credentials: CredentialsRequest): Promise<AuthResponse> {
  const response = await http.post<AuthResponse>('/auth/login', credentials);
  return response.data;
}

/** `GET /auth/me`: the user behind the current session token. */
export async function fetchCurrentUser(): Promise<UserView> {
  const response = await http.get<UserView>('/auth/me');
  return response.data;
}

/** `POST /auth/logout` → 204: revokes the current session on the server. */
export async function logout(): Promise<void> {
  await http.post('/auth/logout');
}

/** `POST /auth/password` → 204; signs out every other session; 401 when the current password is wrong. */
export async function changePassword(request: ChangePasswordRequest): Promise<void> {
  await http.post('/auth/password', request);
}
