import type {
  AdminUserPage,
  AdminUserView,
  CreateInvitationRequest,
  InvitationCreated,
  InvitationView,
  UpdateUserRequest,
} from '@uniroute/shared';
import { http } from './http';

/** `GET /admin/users?limit&before` (admins only): newest first, `nextCursor` for the next page. */
export async function listUsers(page: { limit: number; before?: string | null }): Promise<AdminUserPage> {
  const params: Record<string, string | number> = { limit: page.limit };
  if (page.before) params.before = page.before;
  const response = await http.get<AdminUserPage>('/admin/users', { params });
  return response.data;
}

/** `PATCH /admin/users/:id`: role or disabled; the last admin cannot be demoted or disabled. */
export async function updateUser(id: string, request: UpdateUserRequest): Promise<AdminUserView> {
  const response = await http.patch<AdminUserView>(`/admin/users/${encodeURIComponent(id)}`, request);
  return response.data;
}

/** `DELETE /admin/users/:id` → 204; the user's sessions and API keys stop working at once. */
export async function deleteUser(id: string): Promise<void> {
  await http.delete(`/admin/users/${encodeURIComponent(id)}`);
}

/** `POST /admin/invitations` → 201: the only response that carries the invitation's token and link. */
export async function createInvitation(request: CreateInvitationRequest): Promise<InvitationCreated> {
  const response = await http.post<InvitationCreated>('/admin/invitations', request);
  return response.data;
}

/** `GET /admin/invitations`: open (unused, unexpired) invitations, without their tokens. */
export async function listInvitations(): Promise<InvitationView[]> {
  const response = await http.get<InvitationView[]>('/admin/invitations');
  return response.data;
}

/** `DELETE /admin/invitations/:id` → 204: the link stops working. */
export async function revokeInvitation(id: string): Promise<void> {
  await http.delete(`/admin/invitations/${encodeURIComponent(id)}`);
}
