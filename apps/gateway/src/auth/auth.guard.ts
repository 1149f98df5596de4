import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard } from '@nestjs/passport';
import type { UserRole } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import { REQUIRED_ROLE } from './admin-only.decorator.js';
import { ApiKeyAuthGuard } from './api-key-auth.guard.js';
import { PRINCIPAL, type AuthenticatedRequest } from './principal.js';
import { AUTH_KIND, type AuthKind } from './public.decorator.js';

/** passport-jwt session tokens, the default for every route. */
@Injectable()
export class JwtAuthGuard extends PassportAuthGuard('jwt') {}

/**
 * The global guard: every route needs a session token unless it says otherwise with `@Public()`
 * or `@ApiKeyAuth()` (Nest sample 19-auth-jwt's shape); `@AdminOnly()` routes also need the role.
 */
@Injectable()
export class GlobalAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwtGuard: JwtAuthGuard,
    private readonly apiKeyGuard: ApiKeyAuthGuard,
  ) {}

  /**
   * What each handler's decorators ask for, read once per handler: decorators are fixed at start-up, and
   * reading them through the Reflector on every request cost ~2 µs of `reflect-metadata` walks (profiled).
   */
  private readonly requirements = new WeakMap<object, WeakMap<object, RouteAuthRequirement>>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { kind, requiredRole } = this.requirementsOf(context);
    if (kind === 'public') return true;
    const authenticated = kind === 'api-key' ? await this.apiKeyGuard.canActivate(context) : await (this.jwtGuard.canActivate(context) as Promise<boolean>);
    if (!authenticated) return false;
    if (requiredRole && context.switchToHttp().getRequest<AuthenticatedRequest>()[PRINCIPAL]?.role !== requiredRole) {
      throw new GatewayError('permission_denied', `This needs an ${requiredRole} account.`);
    }
    return true;
  }

  private requirementsOf(context: ExecutionContext): RouteAuthRequirement {
    // Keyed by class, then handler: a method inherited by two controllers can carry either's class decorators.
    const controller = context.getClass();
    const handler = context.getHandler();
    let ofController = this.requirements.get(controller);
    if (!ofController) this.requirements.set(controller, (ofController = new WeakMap()));
    let requirement = ofController.get(handler);
    if (!requirement) {
      const targets = [handler, controller];
      requirement = {
        kind: this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, targets) ?? 'session',
        requiredRole: this.reflector.getAllAndOverride<UserRole | undefined>(REQUIRED_ROLE, targets),
      };
      ofController.set(handler, requirement);
    }
    return requirement;
  }
}

interface RouteAuthRequirement {
  kind: AuthKind;
  requiredRole: UserRole | undefined;
}
