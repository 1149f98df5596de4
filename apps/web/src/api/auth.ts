import type { AuthResponse, CredentialsRequest, UserView } from '@uniroute/shared';
import { http } from './http';

/** `POST /auth/register` → 201; 409 when the email is taken, 400 when invalid. */
export async function register(credentials: CredentialsRequest): Promise<AuthResponse> {
  const response = await http.post<AuthResponse>('/auth/register', credentials);
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
