import { z } from 'zod';
import { plainText } from '../validation/text';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import { METRIC_KEYS } from './metrics';

export const setQuotaOverrideInput = z.object({
  organizationId: z.uuid(),
  metric: z.enum(METRIC_KEYS),
  /** Replaces the plan's included amount during the window; null: unlimited. */
  limit: z.number().int().min(0).max(1_000_000_000_000).nullable(),
  startsAt: z.coerce.date().optional(),
  endsAt: z.coerce.date(),
  reason: plainText({ multiline: true }).trim().min(3, 'Say why the quota is overridden.').max(500),
});

/** A time-boxed, audited per-tenant quota (seed 001 §3.1): the newest active override wins. */
export async function setQuotaOverride(db: Database, actorUserId: string, input: z.output<typeof setQuotaOverrideInput>, clock: Clock) {
  const startsAt = input.startsAt ?? clock.now();
  if (input.endsAt <= startsAt) throw new AppError('BAD_REQUEST', 'The override must end after it starts.', { field: 'endsAt' });
  if (!(await db.prisma.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } }))) throw new AppError('NOT_FOUND', 'That organization does not exist.');
  return db.prisma.$transaction(async (tx) => {
    const override = await tx.quotaOverride.create({
      data: { organizationId: input.organizationId, metric: input.metric, limit: input.limit, startsAt, endsAt: input.endsAt, reason: input.reason, createdById: actorUserId },
    });
    await recordAuditEvent(tx, {
      organizationId: input.organizationId,
      actorUserId,
      action: 'quota_override.create',
      targetType: 'quota_override',
      targetId: override.id,
      after: { metric: input.metric, limit: input.limit, startsAt, endsAt: input.endsAt },
      reason: input.reason,
    });
    return { id: override.id, metric: override.metric, limit: input.limit, startsAt, endsAt: input.endsAt };
  });
}

export const revokeQuotaOverrideInput = z.object({ organizationId: z.uuid(), overrideId: z.uuid(), reason: plainText({ multiline: true }).trim().min(3, 'Say why the override is revoked.').max(500) });

export async function revokeQuotaOverride(db: Database, actorUserId: string, input: z.output<typeof revokeQuotaOverrideInput>, clock: Clock) {
  const key = { organizationId_id: { organizationId: input.organizationId, id: input.overrideId } };
  const override = await db.prisma.quotaOverride.findUnique({ where: key });
  if (!override) throw new AppError('NOT_FOUND', 'That override does not exist.');
  if (override.revokedAt) return { revokedAt: override.revokedAt };
  const revokedAt = clock.now();
  await db.prisma.$transaction(async (tx) => {
    await tx.quotaOverride.update({ where: key, data: { revokedAt } });
    await recordAuditEvent(tx, { organizationId: input.organizationId, actorUserId, action: 'quota_override.revoke', targetType: 'quota_override', targetId: override.id, reason: input.reason });
  });
  return { revokedAt };
}
