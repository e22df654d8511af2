import type { Database } from '../db/open-database';
import { managedTeamIds, visibleUserIds, type Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';

/** The owners and teams the actor may give contacts to (the drawer's and the import's selects). */
export async function listContactAssignees(db: Database, actor: Actor) {
  const all = orgRoleCan(actor.role, 'contacts:manage_all');
  const team = orgRoleCan(actor.role, 'contacts:manage_team');
  const userIds = all ? null : team ? await visibleUserIds(db, actor) : [actor.userId];
  const members = await db.prisma.membership.findMany({
    where: { organizationId: actor.organizationId, status: 'active', role: { not: 'guest' }, ...(userIds ? { userId: { in: userIds } } : {}) },
    select: { userId: true, user: { select: { name: true, email: true } } },
    orderBy: { user: { name: 'asc' } },
  });
  const teamIds = all
    ? null
    : [
        ...new Set([
          ...(team ? await managedTeamIds(db, actor) : []),
          ...(await db.prisma.teamMembership.findMany({ where: { organizationId: actor.organizationId, userId: actor.userId }, select: { teamId: true } })).map((t) => t.teamId),
        ]),
      ];
  const teams = await db.prisma.team.findMany({
    where: { organizationId: actor.organizationId, archivedAt: null, ...(teamIds ? { id: { in: teamIds } } : {}) },
    select: { id: true, name: true },
    orderBy: { name: 'asc' },
  });
  const organization = await db.prisma.organization.findUnique({ where: { id: actor.organizationId }, select: { billingCountry: true, contactSharing: true } });
  return {
    owners: members.map((m) => ({ userId: m.userId, name: m.user.name, email: m.user.email })),
    teams,
    defaultCountry: organization?.billingCountry ?? null,
    contactSharing: organization?.contactSharing ?? 'shared',
  };
}
