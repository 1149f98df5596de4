import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import { ApiKeyAuthGuard } from './api-key-auth.guard.js';
import { AUTH_KIND, type AuthKind } from './public.decorator.js';

/** passport-jwt session tokens, the default for every route. */
@Injectable()
export class JwtAuthGuard extends PassportAuthGuard('jwt') {}

/**
 * The global guard: every route needs a session token unless it says otherwise with `@Public()`
 * or `@ApiKeyAuth()` (Nest sample 19-auth-jwt's shape).
 */
@Injectable()
export class GlobalAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwtGuard: JwtAuthGuard,
    private readonly apiKeyGuard: ApiKeyAuthGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const kind = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [context.getHandler(), context.getClass()]) ?? 'session';
    switch (kind) {
      case 'public':
        return true;
      case 'api-key':
        return this.apiKeyGuard.canActivate(context);
      case 'session':
        return this.jwtGuard.canActivate(context) as Promise<boolean>;
    }
  }
}
