import { z } from 'zod';
import type { Database } from '../db/open-database';
import { managedTeamIds, type Actor } from '../members/member-scope';

export const listTeamsInput = z.object({ includeArchived: z.boolean().default(false) }).default({ includeArchived: false });

export async function listTeams(db: Database, actor: Actor, input: z.infer<typeof listTeamsInput>) {
  const [teams, managed] = await Promise.all([
    db.prisma.team.findMany({
      where: { organizationId: actor.organizationId, ...(input.includeArchived ? {} : { archivedAt: null }) },
      orderBy: { name: 'asc' },
      include: { _count: { select: { members: true } }, members: { where: { role: 'manager' }, select: { user: { select: { name: true } } } } },
    }),
    managedTeamIds(db, actor),
  ]);
  const budgets = await db.prisma.teamBudget.findMany({ where: { organizationId: actor.organizationId }, select: { teamId: true, metric: true, limit: true } });
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    archivedAt: t.archivedAt,
    memberCount: t._count.members,
    managers: t.members.map((m) => m.user.name),
    managedByMe: managed.includes(t.id),
    budgets: budgets.filter((b) => b.teamId === t.id).map(({ metric, limit }) => ({ metric, limit })),
  }));
}
