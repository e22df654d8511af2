// Whose usage a person may see (seed 000 §D): owners and admins (usage:read) the organization, every
// team and every person; managers (usage:read_team) the teams they manage and those teams' members
// and guests (and themselves); everyone else (usage:read_own) only themselves. Every usage read in
// server/usage/ goes through here, so a foreign or out-of-reach id is refused in one place.
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { managedTeamIds, visibleUserIds, type Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';

export type UsageReach =
  | { level: 'organization'; userId: string }
  | { level: 'team'; userId: string; teamIds: string[]; userIds: string[] }
  | { level: 'own'; userId: string };

export type UsageScopeKind = 'organization' | 'team' | 'user';

export async function usageReach(db: Database, actor: Actor): Promise<UsageReach> {
  if (orgRoleCan(actor.role, 'usage:read')) return { level: 'organization', userId: actor.userId };
  if (orgRoleCan(actor.role, 'usage:read_team')) {
    const teamIds = await managedTeamIds(db, actor);
    const userIds = (await visibleUserIds(db, actor)) ?? [actor.userId];
    return { level: 'team', userId: actor.userId, teamIds, userIds };
  }
  return { level: 'own', userId: actor.userId };
}

const OUT_OF_REACH = {
  organization: 'Only owners and admins see the whole organization’s usage. Open your team’s or your own usage instead.',
  team: 'You can see the usage of the teams you manage only.',
  user: 'You can see the usage of the people in the teams you manage only.',
} as const;

/**
 * The scope named, resolved inside the organization and checked against the reach: its kind, id and
 * display name. A team or person of another organization is NOT_FOUND, one out of reach FORBIDDEN.
 */
export async function resolveUsageScope(db: Database, actor: Actor, reach: UsageReach, scope: UsageScopeKind, id: string | undefined) {
  if (scope === 'organization') {
    if (reach.level !== 'organization') throw new AppError('FORBIDDEN', OUT_OF_REACH.organization);
    const org = await db.prisma.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { name: true } });
    return { kind: 'organization' as const, id: actor.organizationId, name: org.name };
  }
  if (scope === 'team') {
    if (!id) throw new AppError('BAD_REQUEST', 'Name the team whose usage to show.', { field: 'id' });
    const team = await db.prisma.team.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id } }, select: { id: true, name: true } });
    if (!team) throw new AppError('NOT_FOUND', 'That team does not exist in this organization.');
    if (reach.level === 'own' || (reach.level === 'team' && !reach.teamIds.includes(team.id))) throw new AppError('FORBIDDEN', OUT_OF_REACH.team);
    return { kind: 'team' as const, id: team.id, name: team.name };
  }
  const userId = id ?? actor.userId;
  const membership = await db.prisma.membership.findUnique({
    where: { organizationId_userId: { organizationId: actor.organizationId, userId } },
    select: { id: true, user: { select: { name: true, email: true } } },
  });
  if (!membership) throw new AppError('NOT_FOUND', 'That person is not a member of this organization.');
  if ((reach.level === 'own' && userId !== actor.userId) || (reach.level === 'team' && !reach.userIds.includes(userId))) throw new AppError('FORBIDDEN', OUT_OF_REACH.user);
  return { kind: 'user' as const, id: userId, name: membership.user.name || membership.user.email, membershipId: membership.id };
}
