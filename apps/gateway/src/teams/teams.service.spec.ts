import { TEAM_ROLES, type TeamRole } from '@uniroute/shared';
import type { EntityManager } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../common/errors/gateway-error.js';
import { TeamsService, type TeamPermission } from './teams.service.js';

/** A manager whose membership query answers `role` (or no row). */
function managerWith(role: TeamRole | null): EntityManager {
  return { query: async () => (role ? [{ role }] : []) } as unknown as EntityManager;
}

function sut(): TeamsService {
  const unused = {} as never;
  return new TeamsService(unused, unused, unused, unused, unused, unused, unused);
}

/** §9 in one table: who may do what under a team. */
const ALLOWED: Readonly<Record<TeamPermission, readonly TeamRole[]>> = {
  read: ['owner', 'admin', 'member'],
  write: ['owner', 'admin'],
  own: ['owner'],
};

describe(TeamsService.name, () => {
  const cases = (['read', 'write', 'own'] as const).flatMap((permission) => [...TEAM_ROLES, null].map((role) => ({ permission, role })));

  it.each(cases)('requireRole($permission) for $role', async ({ permission, role }) => {
    const outcome = await sut()
      .requireRole('team-1', 'user-1', permission, managerWith(role))
      .catch((error: unknown) => error);
    if (role === null) {
      // A non-member learns nothing: the same 404 as for a team that does not exist.
      expect(outcome).toBeInstanceOf(GatewayError);
      expect(outcome).toMatchObject({ status: 404, code: 'not_found', message: 'No such team.' });
    } else if (ALLOWED[permission].includes(role)) {
      expect(outcome).toEqual({ teamId: 'team-1', userId: 'user-1', role });
    } else {
      expect(outcome).toMatchObject({ status: 403, code: 'permission_denied' });
    }
  });

  it('ignores what is not a team invitation token without a query', async () => {
    const manager = { query: async () => expect.unreachable('no query for a token that cannot be a team invitation') } as unknown as EntityManager;
    const service = sut();
    for (const token of ['inv_admin-token', '', `tinv_${'x'.repeat(300)}`]) {
      expect(await service.admitInvitation(manager, token, 'a@example.com', { consume: true })).toBeNull();
    }
  });
});
