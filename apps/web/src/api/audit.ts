import type { AuditPage } from '@uniroute/shared';
import { http } from './http';

/** `GET /admin/audit`: the caller's own events, newest first; `before` is the previous page's `next`. */
export async function listAuditEvents(limit: number, before?: string): Promise<AuditPage> {
  const response = await http.get<AuditPage>('/admin/audit', { params: { limit, ...(before ? { before } : {}) } });
  return response.data;
}
