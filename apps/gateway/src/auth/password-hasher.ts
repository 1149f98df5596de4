import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import pLimit from 'p-limit';
import { GatewayError } from '../common/errors/gateway-error.js';

/**
 * argon2id hashes and verifications at once: each takes 64 MiB and a core for a few hundred ms, so a
 * flood of registrations or logins must queue instead of taking all memory and CPU (§12).
 */
export const PASSWORD_HASH_CONCURRENCY = 2;
/** Beyond this many waiting, callers get `503` with `retry-after` at once instead of a growing queue. */
export const PASSWORD_HASH_QUEUE_LIMIT = 32;

/** argon2id with the library's defaults (64 MiB, 3 passes), the OWASP-recommended family. */
@Injectable()
export class PasswordHasher {
  private readonly limit = pLimit(PASSWORD_HASH_CONCURRENCY);
  /** A real hash of a throw-away password, verified when the email is unknown so that both failures take as long. */
  private readonly decoyHash = this.limited(() => argon2.hash('uniroute-decoy-password', { type: argon2.argon2id }));

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, { type: argon2.argon2id }));
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
