import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { UsersService } from '../users/users.service.js';
import type { Principal } from './principal.js';

/** HS256 only: `alg: none` and any other algorithm are refused before the signature is even read. */
export const SESSION_JWT_ALGORITHM = 'HS256';

/** Session tokens (§2): `Authorization: Bearer <jwt>`, expiring, for a user who still exists. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwt.secret,
      algorithms: [SESSION_JWT_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  async validate(payload: { sub?: unknown }): Promise<Principal | false> {
    if (typeof payload.sub !== 'string') return false;
    const user = await this.users.findById(payload.sub).catch(() => null);
    return user ? { userId: user.id } : false;
  }
}
