import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { UserView } from '@uniroute/shared';
import { Repository } from 'typeorm';
import { GatewayError } from '../common/errors/gateway-error.js';
import { isUniqueViolation } from '../database/is-unique-violation.js';
import { UserEntity } from './user.entity.js';


@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** Creates an account; a taken email is a 409 (compared case-insensitively: emails are stored lower-cased). */
  async create(email: string, passwordHash: string): Promise<UserEntity> {
    try {
      return await this.users.save(this.users.create({ email: email.toLowerCase(), passwordHash }));
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

  toView(user: UserEntity): UserView {
    return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
  }
}
