import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuthResponse, ChangePasswordRequest, CredentialsRequest, RegisterRequest } from '@uniroute/shared';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { InvitationsService } from '../invitations/invitations.service.js';
import { RateLimitService } from '../rate-limit/rate-limit.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { clientNetwork } from './client-network.js';
import { PasswordHasher } from './password-hasher.js';
import type { Principal } from './principal.js';
import { SessionsService } from './sessions.service.js';

/** The same words for an unknown email and a wrong password, so the answer reveals no account. */
export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password.';

/** A client IP may try more often than one account can be tried (shared NATs). */
const IP_ATTEMPTS_FACTOR = 5;
/**
 * Failures one account takes from every client together before it is refused to all of them: a
 * distributed guesser is stopped, but locking the owner out takes many networks, not one script —
 * from one client an account is refused after LOGIN_MAX_ATTEMPTS failures (its own counter).
 */
const ACCOUNT_WIDE_ATTEMPTS_FACTOR = 10;
/**
 * Successful logins (and password changes) per account and window. Successes never lock anyone out,
 * but each one costs an argon2 verification and a session row: one account with its own correct
 * password must not keep the hashing pool busy for everyone else.
 */
const SUCCESSES_PER_WINDOW = 30;

/** The counters one login attempt is judged by. */
interface LoginBuckets {
  /** Failures from this client network, on any account. */
  readonly ip: string;
  /** Failures on this account from this client network. */
  readonly accountFromIp: string;
  /** Failures on this account from every client. */
  readonly account: string;
  /** Successes on this account. */
  readonly successes: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly rateLimits: RateLimitService,
    private readonly sessions: SessionsService,
    private readonly invitations: InvitationsService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * §12: limited per client IP; REGISTRATION's mode and the invitation are checked before the
   * password is hashed and again, atomically, in the transaction that creates the account (under
   * the users lock: the first account on an empty database, and only it, becomes the admin).
   */
  async register(request: RegisterRequest, clientIp: string): Promise<AuthResponse> {
    const { maxPerIp, windowSeconds } = this.config.registration;
    const decision = await this.rateLimits.hit(`register:ip:${clientNetwork(clientIp)}`, maxPerIp, windowSeconds);
    if (!decision.allowed) throw this.tooMany('registrations', decision.retryAfterSeconds);

    const attempt = { email: request.email.toLowerCase(), invitation: request.invitation };
    await this.invitations.precheck(attempt);
    const passwordHash = await this.passwords.hash(request.password);
    const { user, admitted } = await this.dataSource.transaction(async (manager) => {
      const firstAccount = await this.users.lockAndCheckFirstAccount(manager);
      const invitation = await this.invitations.admit(manager, attempt, { firstAccount, consume: true });
      const created = await this.users.create(manager, attempt.email, passwordHash, firstAccount ? 'admin' : 'user');
      if (invitation) await this.invitations.markUsedBy(manager, invitation, created.id);
      return { user: created, admitted: invitation };
    });
    this.invitations.registered(admitted, user.id);
    return this.issueSession(user);
  }

  /**
   * §12: the client IP's limit is checked first (a blocked IP adds nothing to any account's count),
   * then the account's; only failures count, and a success clears the account's failures.
   */
  async login(credentials: CredentialsRequest, clientIp: string, userAgent: string | null = null): Promise<AuthResponse> {
    const email = credentials.email.toLowerCase();
    const buckets = this.loginBuckets(email, clientIp);
    await this.refuseWhileBlocked(buckets);

    const user = await this.users.findByEmail(email);
    const valid = await this.passwords.verify(user?.passwordHash, credentials.password);
    // §8: an account's owner sees the attempts on it; an attempt on no account belongs to nobody's log.
    const origin = { ip: clientIp, userAgent };
    if (!user || !valid) {
      await this.countFailure(buckets);
      if (user) this.audit.record({ actor: { id: user.id, email: user.email }, action: 'auth.login_failed', outcome: 'failure', origin, detail: { reason: 'wrong_password' } });
      throw new GatewayError('invalid_credentials', INVALID_CREDENTIALS_MESSAGE);
    }
    if (user.disabledAt) {
      this.audit.record({ actor: { id: user.id, email: user.email }, action: 'auth.login_failed', outcome: 'failure', origin, detail: { reason: 'disabled' } });
      throw new GatewayError('permission_denied', 'This account has been disabled by an admin.');
    }
    await this.countSuccess(buckets);
    await this.users.recordLogin(user.id);
    this.audit.record({ actor: { id: user.id, email: user.email }, action: 'auth.login', origin });
    return this.issueSession(user);
  }

  /** Logout: this session's token stops working on every replica. */
  async logout(principal: Principal): Promise<void> {
    if (principal.sessionId) await this.sessions.revoke(principal.sessionId);
  }

  /** A wrong current password counts as a failed login; success revokes every other session. */
  async changePassword(principal: Principal, request: ChangePasswordRequest, clientIp: string): Promise<void> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new GatewayError('unauthenticated', 'Missing, invalid or expired session token.');
    const buckets = this.loginBuckets(user.email, clientIp);
    await this.refuseWhileBlocked(buckets);
    if (!(await this.passwords.verify(user.passwordHash, request.currentPassword))) {
      await this.countFailure(buckets);
      throw new GatewayError('invalid_credentials', 'The current password is wrong.', { param: 'currentPassword' });
    }
    await this.users.setPasswordHash(user.id, await this.passwords.hash(request.newPassword));
    await this.countSuccess(buckets);
    await this.sessions.revokeAllOf(user.id, principal.sessionId);
  }

  private loginBuckets(email: string, clientIp: string): LoginBuckets {
    // Per /64, not also per /48: a /48 holds the /56s and /60s of hundreds of households, and a budget shared by them
    // is one any of them could use up, refusing its neighbours' correct passwords. Each account's own limit still
    // holds whatever the number of networks (ACCOUNT_WIDE_ATTEMPTS_FACTOR).
    const network = clientNetwork(clientIp);
    const account = createHash('sha256').update(email.toLowerCase()).digest('hex');
    return {
      ip: `login:ip:${network}`,
      accountFromIp: `login:account-ip:${account}:${network}`,
      account: `login:account:${account}`,
      successes: `login:success:${account}`,
    };
  }

  private async refuseWhileBlocked(buckets: LoginBuckets): Promise<void> {
    const { maxAttempts } = this.config.login;
    const ip = await this.rateLimits.check(buckets.ip, maxAttempts * IP_ATTEMPTS_FACTOR);
    if (!ip.allowed) throw this.tooMany('login attempts', ip.retryAfterSeconds);
    const accountFromIp = await this.rateLimits.check(buckets.accountFromIp, maxAttempts);
    if (!accountFromIp.allowed) throw this.tooMany('login attempts', accountFromIp.retryAfterSeconds);
    const account = await this.rateLimits.check(buckets.account, maxAttempts * ACCOUNT_WIDE_ATTEMPTS_FACTOR);
    if (!account.allowed) throw this.tooMany('login attempts', account.retryAfterSeconds);
    const successes = await this.rateLimits.check(buckets.successes, SUCCESSES_PER_WINDOW);
    if (!successes.allowed) throw this.tooMany('sign-ins on this account', successes.retryAfterSeconds);
  }

  /** A success clears the account's failures (§12) and counts towards its successes. */
  private async countSuccess(buckets: LoginBuckets): Promise<void> {
    await this.rateLimits.reset(buckets.accountFromIp);
    await this.rateLimits.reset(buckets.account);
    await this.rateLimits.hit(buckets.successes, SUCCESSES_PER_WINDOW, this.config.login.windowSeconds);
  }

  private async countFailure(buckets: LoginBuckets): Promise<void> {
    const { maxAttempts, windowSeconds } = this.config.login;
    await this.rateLimits.hit(buckets.ip, maxAttempts * IP_ATTEMPTS_FACTOR, windowSeconds);
    await this.rateLimits.hit(buckets.accountFromIp, maxAttempts, windowSeconds);
    await this.rateLimits.hit(buckets.account, maxAttempts * ACCOUNT_WIDE_ATTEMPTS_FACTOR, windowSeconds);
  }

  private tooMany(what: string, retryAfterSeconds: number): GatewayError {
    return new GatewayError('rate_limit_exceeded', `Too many ${what}. Try again in ${retryAfterSeconds} seconds.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }

  private async issueSession(user: UserEntity): Promise<AuthResponse> {
    const sessionId = await this.sessions.start(user.id);
    const accessToken = await this.jwt.signAsync({ sub: user.id, jti: sessionId });
    return { user: this.users.toView(user), accessToken, expiresIn: this.config.jwt.ttlSeconds };
  }
}
