import type { Database } from '../db/open-database';
import { managedTeamIds, visibleUserIds, type Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';

/**
 * What the dashboard shows about the acting organization. A manager (no org-wide members:read)
 * sees their teams' figures only: the teams they manage, and the people of those teams they may
 * see (themselves and the members and guests of those teams), as the members list shows them.
 */
export async function getOrganizationOverview(db: Database, actor: Actor) {
  const { organizationId } = actor;
  const organization = await db.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { id: true, name: true, slug: true, createdAt: true } });
  const teamScoped = actor.role === 'manager' && !orgRoleCan(actor.role, 'members:read');
  const userIds = teamScoped ? await visibleUserIds(db, actor) : null;
  const teamIds = teamScoped ? await managedTeamIds(db, actor) : null;
  const people = { organizationId, status: 'active' as const, ...(userIds ? { userId: { in: userIds } } : {}) };
  const [members, teams, byRole] = await Promise.all([
    db.prisma.membership.count({ where: people }),
    teamIds ? Promise.resolve(teamIds.length) : db.prisma.team.count({ where: { organizationId, archivedAt: null } }),
    db.prisma.membership.groupBy({ by: ['role'], where: people, _count: { _all: true } }),
  ]);
  return {
    ...organization,
    /** 'teams': the figures cover the teams the acting manager runs, not the organization. */
    scope: teamScoped ? ('teams' as const) : ('organization' as const),
    memberCount: members,
    teamCount: teams,
    membersByRole: Object.fromEntries(byRole.map((r) => [r.role, r._count._all])) as Record<string, number>,
  };
}
