import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { UserRole } from '@uniroute/shared';

/** Who is calling, as the guards established it. */
export interface Principal {
  readonly userId: string;
  /** As of the last (≤ 60 s old, NOTIFY-invalidated) check of the user's row. */
  readonly role: UserRole;
  /** Set when the caller used a gateway API key. */
  readonly apiKeyId?: string;
  /**
   * Set when that API key is a team API key (§9): the team its requests bill (its keys, its policy). Undefined
   * for personal keys and sessions. Checked with the key: the key's creator is still a member of the team.
   */
  readonly teamId?: string;
  /** Set when the caller used a session token: its `jti`, the `sessions` row. */
  readonly sessionId?: string;
}

/** Request property the guards fill. */
export const PRINCIPAL = 'principal';

export type AuthenticatedRequest = { [PRINCIPAL]?: Principal };

/** Injects the authenticated caller into a route handler. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>()[PRINCIPAL];
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
