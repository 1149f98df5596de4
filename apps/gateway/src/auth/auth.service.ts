import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthResponse, CredentialsRequest } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './password-hasher.js';

/** The same words for an unknown email and a wrong password, so the answer reveals no account. */
export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password.';

/** A client IP may try more often than one account can be tried (shared NATs). */
const IP_ATTEMPTS_FACTOR = 5;

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly rateLimits: RateLimitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(credentials: CredentialsRequest): Promise<AuthResponse> {
    const user = await this.users.create(credentials.email, await this.passwords.hash(credentials.password));
    return this.issueSession(user);
  }

  async login(credentials: CredentialsRequest, clientIp: string): Promise<AuthResponse> {
    const email = credentials.email.toLowerCase();
    const accountBucket = `login:account:${createHash('sha256').update(email).digest('hex')}`;
    await this.countAttempt(accountBucket, this.config.login.maxAttempts);
    await this.countAttempt(`login:ip:${clientIp}`, this.config.login.maxAttempts * IP_ATTEMPTS_FACTOR);

    const user = await this.users.findByEmail(email);
    const valid = await this.passwords.verify(user?.passwordHash, credentials.password);
    if (!user || !valid) throw new GatewayError('invalid_credentials', INVALID_CREDENTIALS_MESSAGE);
    await this.rateLimits.reset(accountBucket);
    return this.issueSession(user);
  }

  private async countAttempt(bucket: string, limit: number): Promise<void> {
    const decision = await this.rateLimits.hit(bucket, limit, this.config.login.windowSeconds);
    if (!decision.allowed) {
      throw new GatewayError('rate_limit_exceeded', `Too many login attempts. Try again in ${decision.retryAfterSeconds} seconds.`, {
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      });
    }
  }

  private async issueSession(user: UserEntity): Promise<AuthResponse> {
    const accessToken = await this.jwt.signAsync({ sub: user.id });
    return { user: this.users.toView(user), accessToken, expiresIn: this.config.jwt.ttlSeconds };
  }
}
