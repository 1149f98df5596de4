import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import type { UserRole } from '@uniroute/shared';

/** Metadata the global guard reads after authenticating: the role a route needs. */
export const REQUIRED_ROLE = 'uniroute:required-role';

/**
 * Admin-only routes (§12): any other authenticated caller gets `403 permission_denied`. On a
 * controller or a handler; the role comes from the cached principal, which a role change drops on
 * every replica at once.
 */
export const AdminOnly = () =>
  applyDecorators(SetMetadata(REQUIRED_ROLE, 'admin' satisfies UserRole), ApiForbiddenResponse({ description: 'The caller is not an admin.' }));
