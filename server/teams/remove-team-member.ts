import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { assertCanManageTeam, assertMayChangeTeamsOf, findTeam, type Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';

export const removeTeamMemberInput = z.object({ teamId: z.uuid(), userId: z.uuid() });

export async function removeTeamMember(db: Database, actor: Actor, input: z.infer<typeof removeTeamMemberInput>) {
  const team = await findTeam(db, actor.organizationId, input.teamId);
  await assertCanManageTeam(db, actor, team.id);
  const key = { organizationId_teamId_userId: { organizationId: actor.organizationId, teamId: team.id, userId: input.userId } };
  const existing = await db.prisma.teamMembership.findUnique({
    where: key,
    include: { user: { select: { email: true, name: true, memberships: { where: { organizationId: actor.organizationId }, select: { role: true } } } } },
  });
  if (!existing) throw new AppError('NOT_FOUND', 'That person is not in this team.');
  assertMayChangeTeamsOf(actor, { role: existing.user.memberships[0]?.role ?? 'member', name: existing.user.name });
  if (existing.role === 'manager' && !orgRoleCan(actor.role, 'teams:manage')) throw new AppError('FORBIDDEN', 'Only admins can remove a team manager.');
  await db.prisma.$transaction(async (tx) => {
    await tx.teamMembership.delete({ where: key });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'team.member_remove',
      targetType: 'team',
      targetId: team.id,
      before: { email: existing.user.email, role: existing.role },
    });
  });
  return { ok: true as const };
}
