import { SetMetadata } from '@nestjs/common';

/** How a route authenticates: the global guard reads it. Routes without it need a session token. */
export const AUTH_KIND = 'uniroute:auth-kind';
export type AuthKind = 'public' | 'api-key' | 'session';

/** The explicit opt-out of authentication (health, login, register, the SPA). */
export const Public = () => SetMetadata(AUTH_KIND, 'public' satisfies AuthKind);

/** Gateway routes (`/v1/*`): a UniRoute `ur_` API key instead of a session token. */
export const ApiKeyAuth = () => SetMetadata(AUTH_KIND, 'api-key' satisfies AuthKind);
