import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { TEAM_INVITATION_TOKEN_PREFIX, type InvitationCreated, type InvitationView, type RegistrationInfo } from '@uniroute/shared';
import type { DataSource, EntityManager } from 'typeorm';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { returnedRows } from '../database/returned-rows.js';
import { TeamsService, type AdmittedTeamInvitation } from '../teams/teams.service.js';
import { UsersService } from '../users/users.service.js';
import { INVITATION_DEFAULT_HOURS } from './dto/create-invitation.dto.js';

/** Invitation tokens look like this, so a leaked one is recognisable in a scan. */
export const INVITATION_TOKEN_PREFIX = 'inv_';

/** Who is asking to register. */
export interface RegistrationAttempt {
  readonly email: string;
  readonly invitation?: string;
}

/** The invitation a registration used: an admin's (§12) or a team's (§9), which also makes the account a member. */
export type AdmittedInvitation = { readonly kind: 'admin'; readonly id: string } | { readonly kind: 'team'; readonly invitation: AdmittedTeamInvitation };

/** One message for wrong, used, expired and someone else's: the answer reveals nothing about a token. */
const INVALID_INVITATION = 'This invitation is invalid, already used or expired. Ask an admin for a new one.';

interface InvitationRow {
  id: string;
  email: string | null;
  created_at: Date;
  expires_at: Date;
}

/**
 * Admin invitations (§12) and the one place that decides who may register: REGISTRATION's mode,
 * the first account, and invitations — an admin's, or a team's (§9: `tinv_…`, bound to its email,
 * the new account joins the team in the same transaction). Only a token's
 * SHA-256 is stored; using one is an atomic conditional UPDATE, so two registrations racing with one
 * token cannot both win.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly teams: TeamsService,
  ) {}

  async registrationInfo(): Promise<RegistrationInfo> {
    return { mode: this.config.registration.mode, firstAccount: !(await this.users.anyUserExists()) };
  }

  async create(createdBy: string, request: { email?: string; expiresInHours?: number }, origin: string): Promise<InvitationCreated> {
    const token = `${INVITATION_TOKEN_PREFIX}${this.crypto.randomToken(32)}`;
    const rows: Array<{ expires_at: Date }> = await this.dataSource.query(
      `INSERT INTO invitations (token_hash, email, created_by, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(hours => $4)) RETURNING expires_at`,
      [this.crypto.sha256(token), request.email?.toLowerCase() ?? null, createdBy, request.expiresInHours ?? INVITATION_DEFAULT_HOURS],
    );
    const base = this.config.publicUrl ?? origin;
    return { token, url: `${base}/register?invitation=${encodeURIComponent(token)}`, expiresAt: rows[0]!.expires_at.toISOString() };
  }

  /** Unused, unexpired invitations, newest first (never their tokens: only hashes are stored). */
  async listOpen(): Promise<InvitationView[]> {
    const rows: InvitationRow[] = await this.dataSource.query(
      `SELECT id, email, created_at, expires_at FROM invitations
        WHERE used_at IS NULL AND expires_at > now() ORDER BY created_at DESC, id DESC LIMIT 500`,
    );
    return rows.map((row) => ({ id: row.id, email: row.email, createdAt: row.created_at.toISOString(), expiresAt: row.expires_at.toISOString() }));
  }

  /** Revokes an open invitation: its token stops working at once (the row is the only state). */
  async revoke(id: string): Promise<void> {
    const rows = returnedRows<{ id: string }>(
      await this.dataSource.query('DELETE FROM invitations WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING id', [id]),
    );
    if (rows.length === 0) throw new GatewayError('not_found', 'No such open invitation.', { param: 'id' });
  }

  /**
   * The cheap check before a password is hashed, so a stranger without a valid invitation cannot
   * make the server hash for them. Racy by nature: `admit` decides again in the transaction.
   */
  async precheck(attempt: RegistrationAttempt): Promise<void> {
    if (this.config.registration.mode === 'open') return;
    await this.admit(this.dataSource.manager, attempt, { firstAccount: !(await this.users.anyUserExists()), consume: false });
  }

  /**
   * Whether `attempt` may register now; throws `403` if not. With `consume`, inside the caller's
   * transaction (which holds the users lock), marks the invitation used and returns it.
   * A team invitation is honoured in every mode but `closed` (under `open` too: the invitee still joins the
   * team), and only for the email it names; a wrong one is the same `403` as a wrong admin invitation.
   */
  async admit(manager: EntityManager, attempt: RegistrationAttempt, options: { firstAccount: boolean; consume: boolean }): Promise<AdmittedInvitation | undefined> {
    const mode = this.config.registration.mode;
    if (mode === 'closed' && !options.firstAccount) throw new GatewayError('permission_denied', 'Registration is closed on this gateway.');
    if (attempt.invitation?.startsWith(TEAM_INVITATION_TOKEN_PREFIX)) {
      const invitation = await this.teams.admitInvitation(manager, attempt.invitation, attempt.email, { consume: options.consume });
      if (!invitation) throw new GatewayError('permission_denied', INVALID_INVITATION, { param: 'invitation' });
      return { kind: 'team', invitation };
    }
    if (mode === 'open' || options.firstAccount) return undefined;
    if (!attempt.invitation) {
      throw new GatewayError('permission_denied', 'Registration needs an invitation: ask an admin for an invitation link.', { param: 'invitation' });
    }
    const tokenHash = this.crypto.sha256(attempt.invitation);
    const email = attempt.email.toLowerCase();
    const query = options.consume
      ? `UPDATE invitations SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() AND (email IS NULL OR email = $2) RETURNING id`
      : `SELECT id FROM invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() AND (email IS NULL OR email = $2)`;
    const rows = returnedRows<{ id: string }>(await manager.query(query, [tokenHash, email]));
    const id = rows[0]?.id;
    if (!id) throw new GatewayError('permission_denied', INVALID_INVITATION, { param: 'invitation' });
    return { kind: 'admin', id };
  }

  /** In the registration's transaction, once the account exists: who used it; a team's invitee joins the team. */
  async markUsedBy(manager: EntityManager, admitted: AdmittedInvitation, userId: string): Promise<void> {
    if (admitted.kind === 'team') await this.teams.join(manager, admitted.invitation, userId);
    else await manager.query('UPDATE invitations SET used_by = $2 WHERE id = $1', [admitted.id, userId]);
  }

  /** After the registration committed: a team join is in the team's audit log. */
  registered(admitted: AdmittedInvitation | undefined, userId: string): void {
    if (admitted?.kind === 'team') this.teams.recordJoined(userId, admitted.invitation);
  }
}
