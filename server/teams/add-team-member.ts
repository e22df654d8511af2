import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { emailSchema } from '../auth/validation';
import { assertCanManageTeam, assertMayChangeTeamsOf, findTeam, type Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';

export const addTeamMemberInput = z.object({
  teamId: z.uuid(),
  /** An active member of the organization, by email. */
  email: emailSchema,
  role: z.enum(['manager', 'member']).default('member'),
});

/**
 * Adds an organization member to a team, or changes their role in it. A manager (no org-wide
 * teams:manage) adds only members and guests, and only people who are not already in a team
 * another manager runs: moving someone between managers is an admin's call (issue 15).
 */
export async function addTeamMember(db: Database, actor: Actor, input: z.infer<typeof addTeamMemberInput>) {
  const team = await findTeam(db, actor.organizationId, input.teamId);
  await assertCanManageTeam(db, actor, team.id);
  if (team.archivedAt) throw new AppError('PRECONDITION_FAILED', `${team.name} is archived; restore it first.`);
  if (input.role === 'manager' && !orgRoleCan(actor.role, 'teams:manage')) {
    throw new AppError('FORBIDDEN', 'Only admins can make someone a team manager.', { field: 'role' });
  }
  const membership = await db.prisma.membership.findFirst({
    where: { organizationId: actor.organizationId, user: { email: input.email } },
    include: { user: { select: { id: true, name: true } } },
  });
  if (!membership) throw new AppError('NOT_FOUND', `${input.email} is not a member of this organization. Invite them first.`, { field: 'email' });
  if (membership.status !== 'active') throw new AppError('BAD_REQUEST', `${membership.user.name} is deactivated.`, { field: 'email' });
  assertMayChangeTeamsOf(actor, { role: membership.role, name: membership.user.name }, 'email');
  const key = { organizationId_teamId_userId: { organizationId: actor.organizationId, teamId: team.id, userId: membership.userId } };
  return db.prisma.$transaction(async (tx) => {
    if (!orgRoleCan(actor.role, 'teams:manage')) {
      // The person's membership row is the lock: two managers adding the same person to their two
      // teams at once are serialised, and the second sees the first's team.
      await tx.$queryRaw`SELECT 1 FROM memberships WHERE organization_id = ${actor.organizationId}::uuid AND user_id = ${membership.userId}::uuid FOR UPDATE`;
      const elsewhere = await tx.teamMembership.count({
        where: {
          organizationId: actor.organizationId,
          userId: membership.userId,
          teamId: { not: team.id },
          team: {
            archivedAt: null,
            // A team run by another manager, and not also by this one.
            AND: [
              { members: { some: { role: 'manager', userId: { not: actor.userId } } } },
              { members: { none: { role: 'manager', userId: actor.userId } } },
            ],
          },
        },
      });
      if (elsewhere > 0) {
        throw new AppError('FORBIDDEN', `${membership.user.name} is already in another manager’s team. Ask an admin to add them to yours.`, { field: 'email' });
      }
    }
    const before = await tx.teamMembership.findUnique({ where: key });
    if (before?.role === 'manager' && input.role === 'member' && !orgRoleCan(actor.role, 'teams:manage')) {
      throw new AppError('FORBIDDEN', 'Only admins can change a team manager’s role.');
    }
    await tx.teamMembership.upsert({
      where: key,
      create: { organizationId: actor.organizationId, teamId: team.id, userId: membership.userId, role: input.role },
      update: { role: input.role },
    });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'team.member_add',
      targetType: 'team',
      targetId: team.id,
      before: before ? { email: input.email, role: before.role } : null,
      after: { email: input.email, role: input.role },
    });
    return { userId: membership.userId, name: membership.user.name, role: input.role };
  });
}
