import { z } from 'zod';
import { plainText } from '../validation/text';
import type { Prisma } from '../db/generated/client';
import type { Database } from '../db/open-database';
import { ORG_ROLES } from '../permissions/permissions';
import { visibleUserIds, type Actor } from './member-scope';
import { likeLiteral } from '../db/like-pattern';

export const listMembersInput = z.object({
  search: plainText().trim().max(200).optional(),
  role: z.enum(ORG_ROLES).optional(),
  teamId: z.uuid().optional(),
  status: z.enum(['active', 'deactivated']).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ListMembersInput = z.infer<typeof listMembersInput>;

/** One page of members, filtered and searched; managers see only the members of teams they manage. */
export async function listMembers(db: Database, actor: Actor, input: ListMembersInput) {
  const visible = await visibleUserIds(db, actor);
  const search = input.search?.trim();
  const where: Prisma.MembershipWhereInput = {
    organizationId: actor.organizationId,
    ...(visible ? { userId: { in: visible } } : {}),
    ...(input.role ? { role: input.role } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.teamId ? { user: { teamMemberships: { some: { organizationId: actor.organizationId, teamId: input.teamId } } } } : {}),
    ...(search
      ? { OR: [{ user: { name: { contains: likeLiteral(search), mode: 'insensitive' } } }, { user: { email: { contains: likeLiteral(search), mode: 'insensitive' } } }] }
      : {}),
  };
  const [total, rows] = await Promise.all([
    db.prisma.membership.count({ where }),
    db.prisma.membership.findMany({
      where,
      orderBy: [{ user: { name: 'asc' } }, { id: 'asc' }],
      skip: input.offset,
      take: input.limit,
      include: {
        user: {
          select: {
            name: true,
            email: true,
            lastSignInAt: true,
            teamMemberships: {
              where: { organizationId: actor.organizationId },
              select: { role: true, team: { select: { id: true, name: true, archivedAt: true } } },
            },
          },
        },
      },
    }),
  ]);
  return {
    total,
    offset: input.offset,
    items: rows.map((m) => ({
      membershipId: m.id,
      userId: m.userId,
      name: m.user.name,
      email: m.user.email,
      role: m.role,
      status: m.status,
      joinedAt: m.createdAt,
      lastSignInAt: m.user.lastSignInAt,
      teams: m.user.teamMemberships.filter((t) => !t.team.archivedAt).map((t) => ({ id: t.team.id, name: t.team.name, role: t.role })),
    })),
  };
}
