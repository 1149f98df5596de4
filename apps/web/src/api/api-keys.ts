import type { ApiKeyView, CreateApiKeyRequest, CreatedApiKey } from '@uniroute/shared';
import { http } from './http';

/** `GET /admin/api-keys`, including revoked keys (`revokedAt` set). */
export async function listApiKeys(): Promise<ApiKeyView[]> {
  const response = await http.get<ApiKeyView[]>('/admin/api-keys');
  return response.data;
}

/** `POST /admin/api-keys` → 201: the only response that ever carries the secret `key`. */
export async function createApiKey(request: CreateApiKeyRequest): Promise<CreatedApiKey> {
  const response = await http.post<CreatedApiKey>('/admin/api-keys', request);
  return response.data;
}

/** `DELETE /admin/api-keys/:id` → 204; the key stops working at once. */
export async function revokeApiKey(id: string): Promise<void> {
  await http.delete(`/admin/api-keys/${encodeURIComponent(id)}`);
}
