import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { assertMayActOnMember, findMembership, LAST_OWNER, otherActiveOwners, type Actor } from './member-scope';

export const setMemberStatusInput = z.object({ membershipId: z.uuid(), status: z.enum(['active', 'deactivated']) });

/**
 * Deactivates (or reactivates) a member: history is kept and it can be undone. A person with no other
 * active organization cannot sign in while deactivated, and their sessions end at once.
 */
export async function setMemberStatus(db: Database, actor: Actor, input: z.infer<typeof setMemberStatusInput>, clock: Clock) {
  const target = await findMembership(db, actor.organizationId, input.membershipId);
  if (target.status === input.status) return { status: target.status };
  assertMayActOnMember(actor, target, 'deactivate or reactivate an owner');
  if (target.user.status === 'deleted') throw new AppError('PRECONDITION_FAILED', 'This person’s account was deleted; invite them again instead.');
  return db.prisma.$transaction(async (tx) => {
    const now = clock.now();
    if (input.status === 'deactivated') {
      if (target.role === 'owner' && (await otherActiveOwners(tx, actor.organizationId, target.userId)) === 0) {
        throw new AppError('PRECONDITION_FAILED', LAST_OWNER);
      }
      await tx.membership.update({ where: { organizationId_id: { organizationId: actor.organizationId, id: target.id } }, data: { status: 'deactivated', deactivatedAt: now } });
      const elsewhere = await tx.membership.count({ where: { userId: target.userId, status: 'active' } });
      if (elsewhere === 0 && !target.user.platformRole) {
        await tx.user.update({ where: { id: target.userId }, data: { status: 'deactivated' } });
        await tx.session.updateMany({ where: { userId: target.userId, revokedAt: null }, data: { revokedAt: now } });
      }
    } else {
      await tx.membership.update({ where: { organizationId_id: { organizationId: actor.organizationId, id: target.id } }, data: { status: 'active', deactivatedAt: null } });
      if (target.user.status === 'deactivated') await tx.user.update({ where: { id: target.userId }, data: { status: 'active' } });
    }
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: input.status === 'deactivated' ? 'member.deactivate' : 'member.reactivate',
      targetType: 'membership',
      targetId: target.id,
      before: { status: target.status, email: target.user.email },
      after: { status: input.status, email: target.user.email },
    });
    return { status: input.status };
  });
}
