// Deleting an organization: an owner schedules it (typed confirmation of the name); for a grace
// period the organization is read-only (the same suspension the metering engine already reads, so
// sending stops there and nowhere else needs a second gate) and an owner can cancel; afterwards the
// erasure job removes every row of it (erase-organization.ts).
import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { plainText } from '../validation/text';

export const ORGANIZATION_DELETION_GRACE_MS = 30 * 24 * 3600_000;
/** suspended_reason while a deletion is pending: cancelling lifts only this suspension, never the platform's own. */
export const DELETION_SUSPENSION_REASON = 'Deletion scheduled by an owner';

export const scheduleOrganizationDeletionInput = z.object({ confirmName: plainText().max(200) });

export async function scheduleOrganizationDeletion(db: Database, actor: Actor, input: z.infer<typeof scheduleOrganizationDeletionInput>, clock: Clock) {
  return db.prisma.$transaction(async (tx) => {
    const org = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { name: true, deletionScheduledAt: true, suspendedAt: true } });
    if (input.confirmName.trim() !== org.name) throw new AppError('BAD_REQUEST', `Type the organization’s name, ${org.name}, exactly to confirm.`, { field: 'confirmName' });
    if (org.deletionScheduledAt) throw new AppError('CONFLICT', 'This organization’s deletion is already scheduled.');
    const now = clock.now();
    await tx.organization.update({
      where: { id: actor.organizationId },
      data: { deletionScheduledAt: now, ...(org.suspendedAt ? {} : { suspendedAt: now, suspendedReason: DELETION_SUSPENSION_REASON }) },
    });
    const erasesAt = new Date(now.getTime() + ORGANIZATION_DELETION_GRACE_MS);
    await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'organization.delete_scheduled', targetType: 'organization', targetId: actor.organizationId, after: { name: org.name, erasesAt: erasesAt.toISOString() } });
    return { deletionScheduledAt: now, erasesAt };
  });
}

export async function cancelOrganizationDeletion(db: Database, actor: Actor) {
  return db.prisma.$transaction(async (tx) => {
    const org = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { deletionScheduledAt: true, suspendedReason: true } });
    if (!org.deletionScheduledAt) throw new AppError('PRECONDITION_FAILED', 'No deletion is scheduled for this organization.');
    const liftSuspension = org.suspendedReason === DELETION_SUSPENSION_REASON;
    await tx.organization.update({ where: { id: actor.organizationId }, data: { deletionScheduledAt: null, ...(liftSuspension ? { suspendedAt: null, suspendedReason: null } : {}) } });
    await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'organization.delete_cancelled', targetType: 'organization', targetId: actor.organizationId, before: { deletionScheduledAt: org.deletionScheduledAt.toISOString() } });
    return { ok: true as const };
  });
}

export function erasesAt(deletionScheduledAt: Date | null): Date | null {
  return deletionScheduledAt ? new Date(deletionScheduledAt.getTime() + ORGANIZATION_DELETION_GRACE_MS) : null;
}
