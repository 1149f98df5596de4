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
import type { KeyOwner } from '@/utils/key-owner';
import { http } from './http';

function keysPath(owner: KeyOwner): string {
  return owner.kind === 'user' ? '/admin/provider-keys' : `/admin/teams/${encodeURIComponent(owner.teamId)}/provider-keys`;
}

/** `GET …/provider-keys`: the owner's stored keys, masked. */
export async function listProviderKeys(owner: KeyOwner): Promise<ProviderKeyView[]> {
  const response = await http.get<ProviderKeyView[]>(keysPath(owner));
  return response.data;
}

/** `POST …/provider-keys` → 201; 409 exists, 400 invalid, 422 rejected by the provider (with `validate`). */
export async function createProviderKey(owner: KeyOwner, request: CreateProviderKeyRequest): Promise<ProviderKeyView> {
  const response = await http.post<ProviderKeyView>(keysPath(owner), request);
  return response.data;
}

/** `PUT …/provider-keys/:provider`: replace the key and/or switch it on or off. */
export async function updateProviderKey(
  owner: KeyOwner,
  provider: ProviderId,
  request: UpdateProviderKeyRequest,
): Promise<ProviderKeyView> {
  const response = await http.put<ProviderKeyView>(`${keysPath(owner)}/${provider}`, request);
  return response.data;
}

/** `PUT …/provider-keys/:provider {fallbackPolicy}`: allowed with no key stored (then the answer is the policy row). */
export async function setFallbackPolicy(
  owner: KeyOwner,
  provider: ProviderId,
  fallbackPolicy: FallbackPolicy,
): Promise<ProviderKeyView | ProviderPolicyView> {
  const response = await http.put<ProviderKeyView | ProviderPolicyView>(`${keysPath(owner)}/${provider}`, { fallbackPolicy });
  return response.data;
}

/** `DELETE …/provider-keys/:provider` → 204. */
export async function deleteProviderKey(owner: KeyOwner, provider: ProviderId): Promise<void> {
  await http.delete(`${keysPath(owner)}/${provider}`);
}

/** `POST …/provider-keys/:provider/test`: `ok:false` is a normal answer carrying the provider's reason. */
export async function testProviderKey(owner: KeyOwner, provider: ProviderId): Promise<ProviderKeyTestResult> {
  const response = await http.post<ProviderKeyTestResult>(`${keysPath(owner)}/${provider}/test`);
  return response.data;
}

/**
 * `GET /admin/providers`: per provider, whether the operator has a server key and allows falling
 * back to it (the same for everyone), plus the signed-in user's own policy and fallback state.
 */
export async function listProviderStatuses(): Promise<ProviderStatus[]> {
  const response = await http.get<ProviderStatus[]>('/admin/providers');
  return response.data;
}
