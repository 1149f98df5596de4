/**
 * Whose provider keys a page or call is about: the signed-in user's own, or a team's (§9). The team
 * routes take the same verbs, bodies and views as the personal ones, under `/admin/teams/:id/provider-keys`.
 */
export type KeyOwner = { kind: 'user' } | { kind: 'team'; teamId: string };

export const PERSONAL_OWNER: KeyOwner = Object.freeze({ kind: 'user' });

export function teamOwner(teamId: string): KeyOwner {
  return { kind: 'team', teamId };
}

export function sameOwner(a: KeyOwner, b: KeyOwner): boolean {
  return a.kind === 'user' ? b.kind === 'user' : b.kind === 'team' && a.teamId === b.teamId;
}
