import type { Database } from '../db/open-database';

/** What the dashboard shows about the acting organization. */
export async function getOrganizationOverview(db: Database, organizationId: string) {
  const [organization, members, teams, byRole] = await Promise.all([
    db.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { id: true, name: true, slug: true, createdAt: true } }),
    db.prisma.membership.count({ where: { organizationId, status: 'active' } }),
    db.prisma.team.count({ where: { organizationId, archivedAt: null } }),
    db.prisma.membership.groupBy({ by: ['role'], where: { organizationId, status: 'active' }, _count: { _all: true } }),
  ]);
  return {
    ...organization,
    memberCount: members,
    teamCount: teams,
    membersByRole: Object.fromEntries(byRole.map((r) => [r.role, r._count._all])) as Record<string, number>,
  };
}
