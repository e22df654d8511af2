import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { findMembership, visibleUserIds, type Actor } from './member-scope';

/** One member's details: teams, per-user limits, and what they own (contacts, campaigns). */
export async function getMember(db: Database, actor: Actor, membershipId: string) {
  const membership = await findMembership(db, actor.organizationId, membershipId);
  const visible = await visibleUserIds(db, actor);
  if (visible && !visible.includes(membership.userId)) throw new AppError('NOT_FOUND', 'That member does not exist in this organization.');
  const where = { organizationId: actor.organizationId, ownerUserId: membership.userId };
  const [teams, limits, contacts, campaigns] = await Promise.all([
    db.prisma.teamMembership.findMany({ where: { organizationId: actor.organizationId, userId: membership.userId }, include: { team: { select: { name: true, archivedAt: true } } } }),
    db.prisma.userLimit.findMany({ where: { organizationId: actor.organizationId, userId: membership.userId }, select: { metric: true, limit: true } }),
    db.prisma.contact.count({ where }),
    db.prisma.campaign.count({ where }),
  ]);
  return {
    membershipId: membership.id,
    userId: membership.userId,
    name: membership.user.name,
    email: membership.user.email,
    role: membership.role,
    status: membership.status,
    joinedAt: membership.createdAt,
    teams: teams.filter((t) => !t.team.archivedAt).map((t) => ({ id: t.teamId, name: t.team.name, role: t.role })),
    limits,
    owns: { contacts, campaigns },
  };
}
