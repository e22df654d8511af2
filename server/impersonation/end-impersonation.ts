import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';

export type ImpersonationEndReason = 'ended' | 'expired' | 'signed_out' | 'access_lost';

/**
 * Ends an impersonation once, however many requests notice at the same time (the conditional
 * update decides): its session acts as the staff member again, and the tenant's trail records it.
 */
export async function endImpersonation(db: Database, impersonation: { id: string; organizationId: string }, reason: ImpersonationEndReason, clock: Clock): Promise<boolean> {
  return db.prisma.$transaction(async (tx) => {
    const now = clock.now();
    const row = await tx.impersonationSession.findUnique({ where: { organizationId_id: { organizationId: impersonation.organizationId, id: impersonation.id } } });
    if (!row || row.organizationId !== impersonation.organizationId) return false;
    // An expired impersonation ended when it expired, whenever it is noticed.
    const endedAt = reason === 'expired' && row.expiresAt < now ? row.expiresAt : now;
    const { count } = await tx.impersonationSession.updateMany({ where: { organizationId: row.organizationId, id: row.id, endedAt: null }, data: { endedAt, endedReason: reason } });
    if (count === 0) return false;
    await tx.session.updateMany({ where: { id: row.staffSessionId, impersonationId: row.id }, data: { impersonationId: null, impersonationOrganizationId: null } });
    await recordAuditEvent(tx, {
      organizationId: row.organizationId,
      actorUserId: reason === 'ended' || reason === 'signed_out' ? row.impersonatorUserId : null,
      action: 'impersonation.end',
      targetType: 'user',
      targetId: row.impersonatedUserId,
      after: { impersonationId: row.id, endedReason: reason, endedAt: endedAt.toISOString(), impersonatorUserId: row.impersonatorUserId },
      impersonationId: row.id,
    });
    return true;
  });
}
