import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';

export const transferOwnershipInput = z.object({ membershipId: z.uuid('Choose a member from the list.') });

/**
 * Hands the organization to another active member: they become an owner, the acting owner an
 * admin, in one transaction whose conditional updates refuse a target that changed meanwhile.
 * The membership id is resolved inside the acting organization: a foreign id is "not found".
 */
export async function transferOwnership(db: Database, actor: Actor, input: z.infer<typeof transferOwnershipInput>) {
  return db.prisma.$transaction(async (tx) => {
    const target = await tx.membership.findUnique({
      where: { organizationId_id: { organizationId: actor.organizationId, id: input.membershipId } },
      select: { id: true, userId: true, role: true, status: true, user: { select: { email: true, status: true } } },
    });
    if (!target) throw new AppError('NOT_FOUND', 'That member does not exist in this organization.', { field: 'membershipId' });
    if (target.userId === actor.userId) throw new AppError('BAD_REQUEST', 'You already own this organization: choose another member.', { field: 'membershipId' });
    if (target.status !== 'active' || target.user.status !== 'active') throw new AppError('PRECONDITION_FAILED', 'Only an active member can become the owner. Reactivate them first.', { field: 'membershipId' });
    if (target.role === 'owner') throw new AppError('PRECONDITION_FAILED', 'This member is already an owner.', { field: 'membershipId' });
    const promoted = await tx.membership.updateMany({ where: { organizationId: actor.organizationId, id: target.id, status: 'active', role: target.role }, data: { role: 'owner' } });
    const stepped = await tx.membership.updateMany({ where: { organizationId: actor.organizationId, userId: actor.userId, status: 'active', role: 'owner' }, data: { role: 'admin' } });
    if (promoted.count !== 1 || stepped.count !== 1) throw new AppError('CONFLICT', 'The organization’s members changed meanwhile. Reload and try again.');
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'organization.transfer_ownership',
      targetType: 'membership',
      targetId: target.id,
      before: { newOwner: { email: target.user.email, role: target.role } },
      after: { newOwner: { email: target.user.email, role: 'owner' }, formerOwnerRole: 'admin' },
    });
    return { ok: true as const };
  });
}
