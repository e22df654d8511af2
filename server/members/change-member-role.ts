import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { ORG_ROLES } from '../permissions/permissions';
import { assertMayActOnMember, findMembership, LAST_OWNER, otherActiveOwners, type Actor } from './member-scope';

export const changeMemberRoleInput = z.object({ membershipId: z.uuid(), role: z.enum(ORG_ROLES) });

export async function changeMemberRole(db: Database, actor: Actor, input: z.infer<typeof changeMemberRoleInput>) {
  const target = await findMembership(db, actor.organizationId, input.membershipId);
  if (target.role === input.role) return { role: target.role };
  assertMayActOnMember(actor, target, 'change an owner’s role');
  assertMayActOnMember(actor, input, 'make someone an owner');
  return db.prisma.$transaction(async (tx) => {
    if (target.role === 'owner' && (await otherActiveOwners(tx, actor.organizationId, target.userId)) === 0) {
      throw new AppError('PRECONDITION_FAILED', LAST_OWNER);
    }
    await tx.membership.update({ where: { organizationId_id: { organizationId: actor.organizationId, id: target.id } }, data: { role: input.role } });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'member.role_change',
      targetType: 'membership',
      targetId: target.id,
      before: { role: target.role, email: target.user.email },
      after: { role: input.role, email: target.user.email },
    });
    return { role: input.role };
  });
}
