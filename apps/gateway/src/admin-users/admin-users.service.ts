import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AdminUserPage, AdminUserView, UpdateUserRequest, UserRole } from '@uniroute/shared';
import type { DataSource, EntityManager } from 'typeorm';
import { SessionsService } from '../auth/sessions.service.js';
import { CacheInvalidationService } from '../cache-invalidation/cache-invalidation.service.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { returnedRows } from '../database/returned-rows.js';
import { TeamsService } from '../teams/teams.service.js';
import { USERS_LOCK_ID } from '../users/users.service.js';
import { ADMIN_USERS_DEFAULT_LIMIT } from './dto/admin-users.dto.js';

interface UserRow {
  id: string;
  email: string;
  role: UserRole;
  disabled_at: Date | null;
  created_at: Date;
  last_login_at: Date | null;
}

const COLUMNS = 'id, email, role, disabled_at, created_at, last_login_at';
const NO_SUCH_USER = () => new GatewayError('not_found', 'No such user.', { param: 'id' });

/**
 * The admin users API (§12). Changes run under the users lock, so two admins demoting each other at
 * once cannot leave the gateway without an active admin; once committed they are announced
 * (NOTIFY), so every replica drops the user's cached sessions and API keys within a second.
 */
@Injectable()
export class AdminUsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: SessionsService,
    private readonly invalidation: CacheInvalidationService,
    private readonly teams: TeamsService,
  ) {}

  /** Newest first; `before` is the last id of the previous page. */
  async list(limit = ADMIN_USERS_DEFAULT_LIMIT, before?: string): Promise<AdminUserPage> {
    const rows: UserRow[] = before
      ? await this.dataSource.query(
          `SELECT ${COLUMNS} FROM users
            WHERE (created_at, id) < (SELECT created_at, id FROM users WHERE id = $2)
            ORDER BY created_at DESC, id DESC LIMIT $1`,
          [limit + 1, before],
        )
      : await this.dataSource.query(`SELECT ${COLUMNS} FROM users ORDER BY created_at DESC, id DESC LIMIT $1`, [limit + 1]);
    const page = rows.slice(0, limit);
    return { data: page.map(toView), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
  }

  async update(id: string, change: UpdateUserRequest): Promise<AdminUserView> {
    let newlyDisabled = false;
    const updated = await this.dataSource.transaction(async (manager) => {
      const target = await this.lockAndFind(manager, id);
      const role = change.role ?? target.role;
      const disabled = change.disabled ?? target.disabled_at !== null;
      if (isActiveAdmin(target) && !(role === 'admin' && !disabled)) await this.refuseLastAdmin(manager, id, 'demoted or disabled');
      newlyDisabled = disabled && target.disabled_at === null;
      const rows = returnedRows<UserRow>(
        await manager.query(
          `UPDATE users SET role = $2, disabled_at = CASE WHEN $3 THEN COALESCE(disabled_at, now()) ELSE NULL END, updated_at = now()
            WHERE id = $1 RETURNING ${COLUMNS}`,
          [id, role, disabled],
        ),
      );
      // Its open team invitations end with its sessions: re-enabled, it does not find invitations its teams' other
      // admins could neither see nor revoke meanwhile (they are not counted while their creator is disabled).
      if (newlyDisabled) await manager.query('DELETE FROM team_invitations WHERE created_by = $1 AND used_at IS NULL', [id]);
      return rows[0]!;
    });
    // After the commit, so a replica that reloads on the notification reads the new row.
    if (newlyDisabled) await this.sessions.revokeAllOf(id);
    else await this.invalidation.publish({ kind: 'user', userId: id });
    return toView(updated);
  }

  /**
   * Deletes the account with its API keys, provider keys, sessions and memberships (ON DELETE CASCADE); the teams it
   * owns pass to another member first, or go with it when it was alone in them (§9: a team always has an owner).
   */
  async remove(id: string): Promise<void> {
    const teams = await this.dataSource.transaction(async (manager) => {
      const target = await this.lockAndFind(manager, id);
      if (isActiveAdmin(target)) await this.refuseLastAdmin(manager, id, 'deleted');
      const handedOver = await this.teams.handOverTeamsOf(manager, id);
      await manager.query('DELETE FROM users WHERE id = $1', [id]);
      return handedOver;
    });
    await this.invalidation.publish({ kind: 'user', userId: id });
    await this.teams.afterUserDeleted(id, teams);
  }

  private async lockAndFind(manager: EntityManager, id: string): Promise<UserRow> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [USERS_LOCK_ID]);
    const rows: UserRow[] = await manager.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    if (!rows[0]) throw NO_SUCH_USER();
    return rows[0];
  }

  private async refuseLastAdmin(manager: EntityManager, id: string, what: string): Promise<void> {
    const rows: Array<{ count: number }> = await manager.query(
      `SELECT count(*)::int AS count FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`,
      [id],
    );
    if ((rows[0]?.count ?? 0) === 0) {
      throw new GatewayError('conflict', `The last active admin cannot be ${what}: make another account admin first.`, { param: 'id' });
    }
  }
}

function isActiveAdmin(user: UserRow): boolean {
  return user.role === 'admin' && user.disabled_at === null;
}

function toView(row: UserRow): AdminUserView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
}
