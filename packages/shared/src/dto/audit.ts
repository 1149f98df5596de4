import type { ProviderId } from '../providers.js';

/** Everything the audit log records (§8). `team.*` arrives with teams (§9). */
export const AUDIT_ACTIONS = [
  'provider_key.created',
  'provider_key.updated',
  'provider_key.deleted',
  'provider_key.tested',
  'provider_key.rotated',
  'provider_key.health_changed',
  'provider_key.policy_changed',
  'api_key.created',
  'api_key.revoked',
  'auth.login',
  'auth.login_failed',
  'team.created',
  'team.renamed',
  'team.deleted',
  'team.member_invited',
  'team.invitation_revoked',
  'team.member_joined',
  'team.member_role_changed',
  'team.member_removed',
  'team.member_left',
  'team.ownership_transferred',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Small, secret-free facts about an event (policy names, health states, HTTP statuses, last 4 characters). */
export type AuditDetail = Record<string, string | number | boolean | null>;

/** One event as `GET /admin/audit` shows it. Never a key, a ciphertext or a password. */
export interface AuditEventView {
  id: string;
  at: string;
  actor: { id: string; email: string };
  action: AuditAction;
  provider?: ProviderId;
  teamId?: string;
  outcome: AuditOutcome;
  ip: string | null;
  userAgent: string | null;
  detail: AuditDetail;
}

/** `GET /admin/audit?limit&before`: newest first; `next` is the `before` of the following page, `null` at the end. */
export interface AuditPage {
  events: AuditEventView[];
  next: string | null;
}

export const AUDIT_PAGE_DEFAULT_LIMIT = 50;
export const AUDIT_PAGE_MAX_LIMIT = 200;
