import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  TEAM_INVITATION_TOKEN_PREFIX,
  type AcceptedTeamInvitation,
  type AuditAction,
  type AuditDetail,
  type CreatedTeam,
  type CreatedTeamInvitation,
  type TeamInvitableRole,
  type TeamInvitationView,
  type TeamMemberView,
  type TeamRole,
  type TeamView,
} from '@uniroute/shared';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { RequestOrigin } from '../audit/request-origin.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CryptoService } from '../crypto/crypto.service.js';
import { isUniqueViolation } from '../database/is-unique-violation.js';
import { returnedRows } from '../database/returned-rows.js';
import { ProviderKeysService } from '../provider-keys/provider-keys.service.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';

/** Teams one account may belong to (any role): a script cannot fill the database with teams. */
export const MAX_TEAMS_PER_USER = 20;
/** Members of one team, counting open invitations (each may become one). */
export const MAX_MEMBERS_PER_TEAM = 100;
/** Open invitations of one team at a time. */
export const MAX_OPEN_INVITATIONS_PER_TEAM = 50;
/** Invitation accepts (successful or not) per user per hour: tokens are 256-bit, this only keeps guessing loud. */
export const INVITATION_ACCEPTS_PER_HOUR = 20;
export const TEAM_INVITATION_DAYS = 7;

/** The same answer for a team that does not exist and one the caller is not in (§9: never reveal existence). */
const NO_SUCH_TEAM = 'No such team.';
/** One message for wrong, used, expired and someone else's invitation: the answer reveals nothing about a token. */
const INVALID_INVITATION = 'This invitation is invalid, already used or expired. Ask a team admin for a new one.';

const ROLE_RANK: Readonly<Record<TeamRole, number>> = { member: 0, admin: 1, owner: 2 };

/**
 * An invitation (`team_invitations` row) counts only while whoever created it is still an owner or admin of its
 * team, and an enabled account. Without it an admin about to be removed (or demoted, or deleted) could invite a
 * second account of theirs as `admin` and, once removed, accept it: back in, with the team's keys; and an account a
 * gateway admin disabled would go on admitting new accounts (registration included) through its teams, unseen in
 * `/admin/invitations` (disabling also deletes them: this covers the moment in between). Checked where an invitation
 * is used and where open ones are listed and counted.
 */
const INVITER_STILL_ADMIN = `EXISTS (SELECT 1 FROM team_members inviter JOIN users inviter_account ON inviter_account.id = inviter.user_id
  WHERE inviter.team_id = team_invitations.team_id AND inviter.user_id = team_invitations.created_by
    AND inviter.role IN ('owner', 'admin') AND inviter_account.disabled_at IS NULL)`;

/** What a caller may do under a team: `read` any member, `write` admins and the owner, `own` the owner. */
export type TeamPermission = 'read' | 'write' | 'own';
const REQUIRED_RANK: Readonly<Record<TeamPermission, number>> = { read: 0, write: 1, own: 2 };

/** The caller's membership, as a route saw it. */
export interface TeamMembership {
  readonly teamId: string;
  readonly userId: string;
  readonly role: TeamRole;
}

/** A team invitation that a registration may use (§9 + §12). */
export interface AdmittedTeamInvitation {
  readonly id: string;
  readonly teamId: string;
  readonly role: TeamInvitableRole;
}

/** What deleting an account did to its teams. */
export interface OwnerDeletion {
  readonly transferred: Array<{ teamId: string; toUserId: string }>;
  readonly deleted: string[];
  /** Every team the account was in (its memberships go with it). */
  readonly memberOf: string[];
}

interface TeamRow {
  id: string;
  name: string;
  role: TeamRole;
  created_at: Date;
  member_count: string | number;
}

/**
 * Teams (§9): membership, roles, invitations. Every route under a team asks `requireRole` first: a
 * non-member gets the same 404 as for a team that does not exist, a member below the route's role a
 * 403. Membership changes revoke the removed member's team API keys in the same transaction and
 * tell every replica (NOTIFY), so the warm gateway path keeps reading only its caches.
 */
@Injectable()
export class TeamsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly crypto: CryptoService,
    private readonly apiKeys: ApiKeysService,
    private readonly providerKeys: ProviderKeysService,
    private readonly rateLimits: RateLimitService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The caller's membership if it allows `permission`; 404 for a non-member, 403 for too small a role. */
  async requireRole(teamId: string, userId: string, permission: TeamPermission, manager: EntityManager = this.dataSource.manager): Promise<TeamMembership> {
    const rows: Array<{ role: TeamRole }> = await manager.query('SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2', [teamId, userId]);
    const role = rows[0]?.role;
    if (!role) throw new GatewayError('not_found', NO_SUCH_TEAM, { param: 'id' });
    if (ROLE_RANK[role] < REQUIRED_RANK[permission]) {
      const who = permission === 'own' ? "the team's owner" : "the team's admins";
      throw new GatewayError('permission_denied', `Only ${who} can do this; you are a ${role} of this team.`);
    }
    return { teamId, userId, role };
  }

  async create(userId: string, name: string, origin?: RequestOrigin): Promise<CreatedTeam> {
    const team = await this.dataSource.transaction(async (manager) => {
      // Serialises this user's concurrent creations, so the cap holds under a burst of parallel requests.
      await manager.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
      await this.assertTeamsBelowCap(manager, userId);
      const [created] = returnedRows<{ id: string; name: string; created_at: Date }>(
        await manager.query('INSERT INTO teams (name) VALUES ($1) RETURNING id, name, created_at', [name]),
      );
      await manager.query(`INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 'owner')`, [created!.id, userId]);
      return created!;
    });
    this.record(userId, team.id, 'team.created', origin, { name: team.name });
    return { id: team.id, name: team.name, role: 'owner', createdAt: team.created_at.toISOString() };
  }

  async list(userId: string): Promise<TeamView[]> {
    const rows: TeamRow[] = await this.dataSource.query(
      `SELECT teams.id, teams.name, own.role, teams.created_at,
              (SELECT count(*) FROM team_members everyone WHERE everyone.team_id = teams.id) AS member_count
         FROM team_members own JOIN teams ON teams.id = own.team_id
        WHERE own.user_id = $1
        ORDER BY teams.created_at, teams.id`,
      [userId],
    );
    return rows.map(toTeamView);
  }

  async get(teamId: string, userId: string): Promise<TeamView> {
    await this.requireRole(teamId, userId, 'read');
    const view = (await this.list(userId)).find((team) => team.id === teamId);
    if (!view) throw new GatewayError('not_found', NO_SUCH_TEAM, { param: 'id' });
    return view;
  }

  async rename(teamId: string, userId: string, name: string, origin?: RequestOrigin): Promise<TeamView> {
    const previous = await this.dataSource.transaction(async (manager) => {
      await this.requireRole(teamId, userId, 'write', manager);
      const [row] = returnedRows<{ name: string }>(await manager.query('SELECT name FROM teams WHERE id = $1 FOR UPDATE', [teamId]));
      await manager.query('UPDATE teams SET name = $2 WHERE id = $1', [teamId, name]);
      return row?.name ?? null;
    });
    this.record(userId, teamId, 'team.renamed', origin, { from: previous, to: name });
    return this.get(teamId, userId);
  }

  /**
   * Owner only. The team's keys, invitations, memberships and team API keys go with it (`ON DELETE CASCADE`);
   * every replica drops the team's API keys and credentials.
   */
  async delete(teamId: string, userId: string, origin?: RequestOrigin): Promise<void> {
    const revoked = await this.dataSource.transaction(async (manager) => {
      await this.requireRole(teamId, userId, 'own', manager);
      const hashes = await this.apiKeys.revokeTeamKeys(manager, teamId);
      await manager.query('DELETE FROM teams WHERE id = $1', [teamId]);
      return hashes;
    });
    await this.apiKeys.announceTeamChange(teamId, revoked);
    await this.providerKeys.forgetOwner({ kind: 'team', id: teamId });
    this.record(userId, teamId, 'team.deleted', origin);
  }

  async members(teamId: string, userId: string): Promise<TeamMemberView[]> {
    await this.requireRole(teamId, userId, 'read');
    const rows: Array<{ user_id: string; email: string; role: TeamRole; joined_at: Date }> = await this.dataSource.query(
      `SELECT team_members.user_id, users.email, team_members.role, team_members.joined_at
         FROM team_members JOIN users ON users.id = team_members.user_id
        WHERE team_members.team_id = $1
        ORDER BY team_members.joined_at, team_members.user_id`,
      [teamId],
    );
    return rows.map((row) => ({ userId: row.user_id, email: row.email, role: row.role, joinedAt: row.joined_at.toISOString() }));
  }

  /** Admins invite by email (`admin` or `member`); only the token's SHA-256 is stored. */
  async invite(teamId: string, userId: string, email: string, role: TeamInvitableRole, origin: string, requestOrigin?: RequestOrigin): Promise<CreatedTeamInvitation> {
    const token = `${TEAM_INVITATION_TOKEN_PREFIX}${this.crypto.randomToken(32)}`;
    const invited = email.toLowerCase();
    const created = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
      await this.requireRole(teamId, userId, 'write', manager);
      const [counts] = returnedRows<{ members: string; open: string; already: boolean }>(
        await manager.query(
          `SELECT (SELECT count(*) FROM team_members WHERE team_id = $1) AS members,
                  (SELECT count(*) FROM team_invitations WHERE team_id = $1 AND used_at IS NULL AND expires_at > now() AND ${INVITER_STILL_ADMIN}) AS open,
                  EXISTS (SELECT 1 FROM team_members JOIN users ON users.id = team_members.user_id WHERE team_members.team_id = $1 AND users.email = $2) AS already`,
          [teamId, invited],
        ),
      );
      if (counts!.already) throw new GatewayError('conflict', 'That account is already a member of this team.', { param: 'email' });
      if (Number(counts!.open) >= MAX_OPEN_INVITATIONS_PER_TEAM) {
        throw new GatewayError('conflict', `A team has at most ${MAX_OPEN_INVITATIONS_PER_TEAM} open invitations: revoke some first.`);
      }
      if (Number(counts!.members) + Number(counts!.open) >= MAX_MEMBERS_PER_TEAM) {
        throw new GatewayError('conflict', `A team has at most ${MAX_MEMBERS_PER_TEAM} members (counting open invitations).`);
      }
      const [row] = returnedRows<{ id: string; expires_at: Date }>(
        await manager.query(
          `INSERT INTO team_invitations (team_id, token_hash, email, role, created_by, expires_at)
             VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6)) RETURNING id, expires_at`,
          [teamId, this.crypto.sha256(token), invited, role, userId, TEAM_INVITATION_DAYS],
        ),
      );
      return row!;
    });
    // The invitee's email is theirs, not the log's: the event keeps its domain and the role.
    this.record(userId, teamId, 'team.member_invited', requestOrigin, { invitationId: created.id, role, emailDomain: invited.split('@')[1] ?? null });
    const base = this.config.publicUrl ?? origin;
    return { id: created.id, token, expiresAt: created.expires_at.toISOString(), url: `${base}/settings/teams?invitation=${encodeURIComponent(token)}` };
  }

  async openInvitations(teamId: string, userId: string): Promise<TeamInvitationView[]> {
    await this.requireRole(teamId, userId, 'write');
    const rows: Array<{ id: string; email: string; role: TeamInvitableRole; created_at: Date; expires_at: Date }> = await this.dataSource.query(
      `SELECT id, email, role, created_at, expires_at FROM team_invitations
        WHERE team_id = $1 AND used_at IS NULL AND expires_at > now() AND ${INVITER_STILL_ADMIN} ORDER BY created_at DESC, id DESC`,
      [teamId],
    );
    return rows.map((row) => ({ id: row.id, email: row.email, role: row.role, createdAt: row.created_at.toISOString(), expiresAt: row.expires_at.toISOString() }));
  }

  async revokeInvitation(teamId: string, userId: string, invitationId: string, origin?: RequestOrigin): Promise<void> {
    await this.requireRole(teamId, userId, 'write');
    const rows = returnedRows<{ id: string }>(
      await this.dataSource.query('DELETE FROM team_invitations WHERE id = $1 AND team_id = $2 AND used_at IS NULL RETURNING id', [invitationId, teamId]),
    );
    if (rows.length === 0) throw new GatewayError('not_found', 'No such open invitation.', { param: 'invitationId' });
    this.record(userId, teamId, 'team.invitation_revoked', origin, { invitationId });
  }

  /**
   * The signed-in invitee accepts (§9). Wrong, used, expired and someone else's tokens get the same 404, which
   * never names the team; accepts are rate-limited per user. One conditional UPDATE consumes the token, so two
   * accepts racing with it cannot both win.
   */
  async accept(userId: string, email: string, token: string, origin?: RequestOrigin): Promise<AcceptedTeamInvitation> {
    const decision = await this.rateLimits.hit(`team-invitation-accept:${userId}`, INVITATION_ACCEPTS_PER_HOUR, 60 * 60);
    if (!decision.allowed) {
      throw new GatewayError('rate_limit_exceeded', `Too many invitation attempts; retry in ${decision.retryAfterSeconds} s.`, {
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      });
    }
    const accepted = await this.dataSource.transaction(async (manager) => {
      const invitation = await this.admitInvitation(manager, token, email, { consume: true });
      if (!invitation) throw new GatewayError('not_found', INVALID_INVITATION, { param: 'token' });
      await this.join(manager, invitation, userId);
      return invitation;
    });
    this.record(userId, accepted.teamId, 'team.member_joined', origin, { role: accepted.role, invitationId: accepted.id });
    return { teamId: accepted.teamId, role: accepted.role };
  }

  /**
   * The one check of a team invitation, for `accept` and for `/auth/register` (§12 `REGISTRATION=invite`): unused,
   * unexpired, and naming `email`. With `consume`, marks it used in `manager`'s transaction. `null` when it is not
   * valid for that email: the caller answers without saying why.
   */
  async admitInvitation(manager: EntityManager, token: string, email: string, options: { consume: boolean }): Promise<AdmittedTeamInvitation | null> {
    if (!token.startsWith(TEAM_INVITATION_TOKEN_PREFIX) || token.length > 200) return null;
    const query = options.consume
      ? `UPDATE team_invitations SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() AND email = $2 AND ${INVITER_STILL_ADMIN} RETURNING id, team_id, role`
      : `SELECT id, team_id, role FROM team_invitations
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() AND email = $2 AND ${INVITER_STILL_ADMIN}`;
    const [row] = returnedRows<{ id: string; team_id: string; role: TeamInvitableRole }>(await manager.query(query, [this.crypto.sha256(token), email.toLowerCase()]));
    return row ? { id: row.id, teamId: row.team_id, role: row.role } : null;
  }

  /** Makes `userId` a member through a consumed invitation, in the caller's transaction; caps and duplicates are 409. */
  async join(manager: EntityManager, invitation: AdmittedTeamInvitation, userId: string): Promise<void> {
    await manager.query('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [invitation.teamId]);
    await this.assertTeamsBelowCap(manager, userId);
    const [count] = returnedRows<{ members: string }>(await manager.query('SELECT count(*) AS members FROM team_members WHERE team_id = $1', [invitation.teamId]));
    if (Number(count!.members) >= MAX_MEMBERS_PER_TEAM) throw new GatewayError('conflict', `This team already has ${MAX_MEMBERS_PER_TEAM} members.`);
    try {
      // A failure aborts the caller's transaction: the invitation it consumed stays unused.
      await manager.query('INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)', [invitation.teamId, userId, invitation.role]);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new GatewayError('conflict', 'You are already a member of this team.');
    }
    await manager.query('UPDATE team_invitations SET used_by = $2 WHERE id = $1', [invitation.id, userId]);
  }

  /** After a registration that joined a team through its invitation (`/auth/register`): the audit event. */
  recordJoined(userId: string, invitation: AdmittedTeamInvitation, origin?: RequestOrigin): void {
    this.record(userId, invitation.teamId, 'team.member_joined', origin, { role: invitation.role, invitationId: invitation.id, viaRegistration: true });
  }

  /**
   * Role changes. `owner` transfers ownership: only the owner may, to another member, who becomes the owner
   * while the previous owner becomes an admin, in one transaction (a team always has exactly one owner). Other
   * roles: admins change members and admins; nobody changes the owner's role except by a transfer.
   */
  async changeRole(teamId: string, actorId: string, targetId: string, role: TeamRole, origin?: RequestOrigin): Promise<TeamMemberView> {
    const from = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
      const actor = await this.requireRole(teamId, actorId, role === 'owner' ? 'own' : 'write', manager);
      const target = await this.memberRole(manager, teamId, targetId);
      if (!target) throw new GatewayError('not_found', 'No such member of this team.', { param: 'userId' });
      if (role === 'owner') {
        if (targetId === actorId) throw new GatewayError('conflict', 'You already own this team.', { param: 'role' });
        await manager.query(`UPDATE team_members SET role = 'admin' WHERE team_id = $1 AND user_id = $2`, [teamId, actorId]);
        await manager.query(`UPDATE team_members SET role = 'owner' WHERE team_id = $1 AND user_id = $2`, [teamId, targetId]);
        return target;
      }
      if (target === 'owner') {
        throw new GatewayError('conflict', "The owner's role changes only by transferring ownership (PATCH another member's role to owner).", { param: 'role' });
      }
      if (actor.role !== 'owner' && target === 'admin' && targetId !== actorId) {
        throw new GatewayError('permission_denied', "Only the team's owner can change another admin's role.");
      }
      await manager.query('UPDATE team_members SET role = $3 WHERE team_id = $1 AND user_id = $2', [teamId, targetId, role]);
      return target;
    });
    if (role === 'owner') this.record(actorId, teamId, 'team.ownership_transferred', origin, { toUserId: targetId, previousOwnerRole: 'admin' });
    else if (from !== role) this.record(actorId, teamId, 'team.member_role_changed', origin, { userId: targetId, from, to: role });
    return (await this.members(teamId, actorId)).find((member) => member.userId === targetId)!;
  }

  /**
   * Removing a member (admins: members; the owner: anyone but themself) or leaving (oneself; the owner must
   * transfer ownership first → 409). The member's team API keys for this team are revoked in the same transaction
   * and every replica drops them before this returns.
   */
  async removeMember(teamId: string, actorId: string, targetId: string, origin?: RequestOrigin): Promise<void> {
    const leaving = actorId === targetId;
    const { revoked, role } = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
      const actor = await this.requireRole(teamId, actorId, leaving ? 'read' : 'write', manager);
      const target = leaving ? actor.role : await this.memberRole(manager, teamId, targetId);
      if (!target) throw new GatewayError('not_found', 'No such member of this team.', { param: 'userId' });
      if (target === 'owner') {
        throw leaving
          ? new GatewayError('conflict', 'The owner cannot leave: transfer ownership to another member first, or delete the team.')
          : new GatewayError('permission_denied', "The team's owner cannot be removed.");
      }
      if (!leaving && target === 'admin' && actor.role !== 'owner') throw new GatewayError('permission_denied', "Only the team's owner can remove an admin.");
      await manager.query('DELETE FROM team_members WHERE team_id = $1 AND user_id = $2', [teamId, targetId]);
      return { revoked: await this.apiKeys.revokeTeamKeys(manager, teamId, targetId), role: target };
    });
    await this.apiKeys.announceTeamChange(teamId, revoked);
    if (leaving) this.record(actorId, teamId, 'team.member_left', origin, { role, revokedApiKeys: revoked.length });
    else this.record(actorId, teamId, 'team.member_removed', origin, { userId: targetId, role, revokedApiKeys: revoked.length });
  }

  /**
   * An account is being deleted (in `manager`'s transaction): a team must never be left without an owner. Each team
   * it owns passes to its longest-standing admin, else its longest-standing member; a team with nobody else is
   * deleted. Returns what to announce once the transaction commits (`afterUserDeleted`).
   */
  async handOverTeamsOf(manager: EntityManager, userId: string): Promise<OwnerDeletion> {
    const owned: Array<{ team_id: string }> = await manager.query(`SELECT team_id FROM team_members WHERE user_id = $1 AND role = 'owner'`, [userId]);
    const deletion: OwnerDeletion = { transferred: [], deleted: [], memberOf: [] };
    for (const { team_id: teamId } of owned) {
      await manager.query('SELECT id FROM teams WHERE id = $1 FOR UPDATE', [teamId]);
      const [heir] = returnedRows<{ user_id: string }>(
        await manager.query(
          `SELECT user_id FROM team_members WHERE team_id = $1 AND user_id <> $2
            ORDER BY CASE role WHEN 'admin' THEN 0 ELSE 1 END, joined_at, user_id LIMIT 1`,
          [teamId, userId],
        ),
      );
      if (heir) {
        await manager.query(`UPDATE team_members SET role = 'admin' WHERE team_id = $1 AND user_id = $2`, [teamId, userId]);
        await manager.query(`UPDATE team_members SET role = 'owner' WHERE team_id = $1 AND user_id = $2`, [teamId, heir.user_id]);
        deletion.transferred.push({ teamId, toUserId: heir.user_id });
      } else {
        await manager.query('DELETE FROM teams WHERE id = $1', [teamId]);
        deletion.deleted.push(teamId);
      }
    }
    const memberships: Array<{ team_id: string }> = await manager.query('SELECT team_id FROM team_members WHERE user_id = $1', [userId]);
    deletion.memberOf.push(...memberships.map((row) => row.team_id));
    return deletion;
  }

  /** After the account's deletion committed: every replica re-checks the teams' API keys; the events are recorded. */
  async afterUserDeleted(userId: string, deletion: OwnerDeletion): Promise<void> {
    for (const teamId of [...deletion.memberOf, ...deletion.deleted]) await this.apiKeys.announceTeamChange(teamId);
    for (const teamId of deletion.deleted) await this.providerKeys.forgetOwner({ kind: 'team', id: teamId });
    for (const { teamId, toUserId } of deletion.transferred) {
      this.record(toUserId, teamId, 'team.ownership_transferred', undefined, { fromUserId: userId, toUserId, reason: 'owner_deleted' });
    }
  }

  private async memberRole(manager: EntityManager, teamId: string, userId: string): Promise<TeamRole | null> {
    const rows: Array<{ role: TeamRole }> = await manager.query('SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2', [teamId, userId]);
    return rows[0]?.role ?? null;
  }

  private async assertTeamsBelowCap(manager: EntityManager, userId: string): Promise<void> {
    const [row] = returnedRows<{ teams: string }>(await manager.query('SELECT count(*) AS teams FROM team_members WHERE user_id = $1', [userId]));
    if (Number(row!.teams) >= MAX_TEAMS_PER_USER) {
      throw new GatewayError('conflict', `An account belongs to at most ${MAX_TEAMS_PER_USER} teams: leave or delete one first.`);
    }
  }

  private record(actorId: string, teamId: string, action: AuditAction, origin: RequestOrigin | undefined, detail?: AuditDetail): void {
    this.audit.record({ actor: { id: actorId }, action, teamId, origin, ...(detail ? { detail } : {}) });
  }
}

function toTeamView(row: TeamRow): TeamView {
  return { id: row.id, name: row.name, role: row.role, memberCount: Number(row.member_count), createdAt: row.created_at.toISOString() };
}
