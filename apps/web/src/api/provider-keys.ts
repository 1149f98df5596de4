import type {
  CreateProviderKeyRequest,
  FallbackPolicy,
  ProviderId,
  ProviderKeyTestResult,
  ProviderKeyView,
  ProviderPolicyView,
  ProviderStatus,
  UpdateProviderKeyRequest,
} from '@uniroute/shared';
import { http } from './http';

/** `GET /admin/provider-keys`: the user's stored keys, masked. */
export async function listProviderKeys(): Promise<ProviderKeyView[]> {
  const response = await http.get<ProviderKeyView[]>('/admin/provider-keys');
  return response.data;
}

/** `POST /admin/provider-keys` → 201; 409 exists, 400 invalid, 422 rejected by the provider (with `validate`). */
export async function createProviderKey(request: CreateProviderKeyRequest): Promise<ProviderKeyView> {
  const response = await http.post<ProviderKeyView>('/admin/provider-keys', request);
  return response.data;
}

/** `PUT /admin/provider-keys/:provider`: replace the key and/or switch it on or off. */
export async function updateProviderKey(
  provider: ProviderId,
  request: UpdateProviderKeyRequest,
): Promise<ProviderKeyView> {
  const response = await http.put<ProviderKeyView>(`/admin/provider-keys/${provider}`, request);
  return response.data;
}

/** `PUT /admin/provider-keys/:provider {fallbackPolicy}`: allowed with no key stored (then the answer is the policy row). */
export async function setFallbackPolicy(provider: ProviderId, fallbackPolicy: FallbackPolicy): Promise<ProviderKeyView | ProviderPolicyView> {
  const response = await http.put<ProviderKeyView | ProviderPolicyView>(`/admin/provider-keys/${provider}`, { fallbackPolicy });
  return response.data;
}

/** `DELETE /admin/provider-keys/:provider` → 204. */
export async function deleteProviderKey(provider: ProviderId): Promise<void> {
  await http.delete(`/admin/provider-keys/${provider}`);
}

/** `POST /admin/provider-keys/:provider/test`: `ok:false` is a normal answer carrying the provider's reason. */
export async function testProviderKey(provider: ProviderId): Promise<ProviderKeyTestResult> {
  const response = await http.post<ProviderKeyTestResult>(`/admin/provider-keys/${provider}/test`);
  return response.data;
}

/** `GET /admin/providers`: per provider, whether requests can fall back to a server key. */
export async function listProviderStatuses(): Promise<ProviderStatus[]> {
  const response = await http.get<ProviderStatus[]>('/admin/providers');
  return response.data;
}
