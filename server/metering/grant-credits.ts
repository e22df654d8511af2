import { z } from 'zod';
import { plainText } from '../validation/text';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import { METRIC_KEYS } from './metrics';

export const grantCreditsInput = z.object({
  organizationId: z.uuid(),
  metric: z.enum(METRIC_KEYS),
  amount: z.number().int().positive('Grant at least one unit.').max(1_000_000_000),
  /** Lower burns first (0–100). */
  priority: z.number().int().min(0).max(100).default(50),
  expiresAt: z.coerce.date().optional(),
  reason: plainText({ multiline: true }).trim().min(3, 'Say why the credits are granted.').max(500),
});

/** Prepaid units of a metric, used once the organization's quota is spent. */
export async function grantCredits(db: Database, actorUserId: string, input: z.output<typeof grantCreditsInput>, clock: Clock) {
  if (input.expiresAt && input.expiresAt <= clock.now()) throw new AppError('BAD_REQUEST', 'The expiry must be in the future.', { field: 'expiresAt' });
  if (!(await db.prisma.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } }))) throw new AppError('NOT_FOUND', 'That organization does not exist.');
  return db.prisma.$transaction(async (tx) => {
    const grant = await tx.creditGrant.create({
      data: { organizationId: input.organizationId, metric: input.metric, amount: input.amount, remaining: input.amount, priority: input.priority, expiresAt: input.expiresAt ?? null, reason: input.reason, grantedById: actorUserId },
    });
    await recordAuditEvent(tx, {
      organizationId: input.organizationId,
      actorUserId,
      action: 'credits.grant',
      targetType: 'credit_grant',
      targetId: grant.id,
      after: { metric: input.metric, amount: input.amount, priority: input.priority, expiresAt: input.expiresAt ?? null },
      reason: input.reason,
    });
    return { id: grant.id, metric: grant.metric, amount: Number(grant.amount), priority: grant.priority, expiresAt: grant.expiresAt };
  });
}
