import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import pLimit from 'p-limit';
import { GatewayError } from '../common/errors/gateway-error.js';

/**
 * OWASP's first argon2id configuration (19 MiB, 2 passes, 1 lane) rather than the library's 64 MiB
 * and 4 lanes: as strong by OWASP's measure, and a third of the memory per hash. Hashes made with
 * other parameters still verify (they are stored in the hash).
 */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/**
 * argon2id hashes and verifications at once: each takes its memory and a core, so a flood of
 * registrations or logins must queue instead of taking all memory and CPU (§12).
 */
export const PASSWORD_HASH_CONCURRENCY = 2;
/** Beyond this many waiting, callers get `503` with `retry-after` at once instead of a growing queue. */
export const PASSWORD_HASH_QUEUE_LIMIT = 32;

/** argon2id, the OWASP-recommended family, at most PASSWORD_HASH_CONCURRENCY at a time. */
@Injectable()
export class PasswordHasher {
  private readonly limit = pLimit(PASSWORD_HASH_CONCURRENCY);
  /** A real hash of a throw-away password, verified when the email is unknown so that both failures take as long. */
  private readonly decoyHash = this.limited(() => argon2.hash('uniroute-decoy-password', ARGON2_OPTIONS));

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, ARGON2_OPTIONS));
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const target = hash ?? (await this.decoyHash);
    return this.limited(async () => {
      try {
        return await argon2.verify(target, password);
      } catch {
        return false;
      }
    });
  }

  private limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.limit.pendingCount >= PASSWORD_HASH_QUEUE_LIMIT) {
      return Promise.reject(
        new GatewayError('service_unavailable', 'Too many sign-ins at once: try again in a moment.', { headers: { 'retry-after': '1' } }),
      );
    }
    return this.limit(work);
  }
}
