import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { plainText } from '../validation/text';
import type { ActiveImpersonation } from './resolve-impersonation';

export const escalateImpersonationInput = z.object({
  reason: plainText({ multiline: true }).trim().min(10, 'Say why you need to make changes as this person (at least 10 characters).').max(500),
});

/** Lets the impersonation make changes (as the impersonated user, within their rights), with a second reason, audited. */
export async function escalateImpersonation(db: Database, impersonation: ActiveImpersonation, input: z.infer<typeof escalateImpersonationInput>, clock: Clock) {
  return db.prisma.$transaction(async (tx) => {
    const now = clock.now();
    const { count } = await tx.impersonationSession.updateMany({
      where: { organizationId: impersonation.organizationId, id: impersonation.id, endedAt: null, escalatedAt: null, expiresAt: { gt: now } },
      data: { escalatedAt: now, escalationReason: input.reason },
    });
    if (count !== 1) throw new AppError('CONFLICT', 'This impersonation is already escalated, or has ended.');
    await recordAuditEvent(tx, {
      organizationId: impersonation.organizationId,
      actorUserId: impersonation.impersonator.id,
      action: 'impersonation.escalate',
      targetType: 'user',
      targetId: impersonation.impersonated.id,
      reason: input.reason,
      before: { mode: 'read_only' },
      after: { impersonationId: impersonation.id, mode: 'escalated' },
      impersonationId: impersonation.id,
    });
    return { mode: 'escalated' as const };
  });
}
