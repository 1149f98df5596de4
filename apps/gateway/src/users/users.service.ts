import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { UserRole, UserView } from '@uniroute/shared';
import { type EntityManager, Repository } from 'typeorm';
import { GatewayError } from '../common/errors/gateway-error.js';
import { isUniqueViolation } from '../database/is-unique-violation.js';
import { UserEntity } from './user.entity.js';

/**
 * The transaction-scoped advisory lock every change to "who is an admin" takes: the first account's
 * registration (two concurrent first registrations must not both become admin) and the admin API's
 * last-admin rule. Any constant shared by every replica, distinct from the migration lock.
 */
export const USERS_LOCK_ID = 7_353_190_012;

@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /**
   * Serialises with every other account change for the rest of `manager`'s transaction, then tells
   * whether the database has no account yet (so this one becomes the admin).
   */
  async lockAndCheckFirstAccount(manager: EntityManager): Promise<boolean> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [USERS_LOCK_ID]);
    return !(await this.anyUserExists(manager));
  }

  async anyUserExists(manager: EntityManager = this.users.manager): Promise<boolean> {
    const rows: Array<{ exists: boolean }> = await manager.query('SELECT EXISTS (SELECT 1 FROM users) AS exists');
    return rows[0]?.exists === true;
  }

  /** Creates an account in `manager`'s transaction; a taken email is a 409 (emails are stored lower-cased). */
  async create(manager: EntityManager, email: string, passwordHash: string, role: UserRole): Promise<UserEntity> {
    try {
      const repository = manager.getRepository(UserEntity);
      return await repository.save(repository.create({ email: email.toLowerCase(), passwordHash, role }));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new GatewayError('conflict', 'An account with this email already exists.', { param: 'email' });
      }
      throw error;
    }
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  async recordLogin(id: string): Promise<void> {
    await this.users.update({ id }, { lastLoginAt: new Date() });
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }

  toView(user: UserEntity): UserView {
    return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
  }
}
