import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Principal } from './principal.js';
import { SessionsService } from './sessions.service.js';

/** HS256 only: `alg: none` and any other algorithm are refused before the signature is even read. */
export const SESSION_JWT_ALGORITHM = 'HS256';

/** The claims a session token must carry. */
interface SessionClaims {
  sub?: unknown;
  jti?: unknown;
  exp?: unknown;
}

/**
 * Session tokens (§2, §12): `Authorization: Bearer <jwt>`, with an `exp` (a token without one
 * would never expire: jsonwebtoken only checks `exp` when present) and a `jti` naming a session
 * that is not revoked, of a user who still exists and is not disabled.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwt.secret,
      algorithms: [SESSION_JWT_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  async validate(payload: SessionClaims): Promise<Principal | false> {
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return false;
    return (await this.sessions.principalFor(payload.jti, payload.sub).catch(() => null)) ?? false;
  }
}
