import { z } from 'zod';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import { METRIC_KEYS } from '../metering/metrics';
import { assertMayActOnMember, findMembership, type Actor } from './member-scope';

export const setMemberLimitsInput = z.object({
  membershipId: z.uuid(),
  /** A monthly limit per metric; null removes that limit. */
  limits: z
    .array(z.object({ metric: z.enum(METRIC_KEYS), limit: z.number().int().min(0, 'Limits cannot be negative.').max(1_000_000_000).nullable() }))
    .max(METRIC_KEYS.length),
});

/** Per-user monthly limits inside the organization's quota (the metering engine enforces them). */
export async function setMemberLimits(db: Database, actor: Actor, input: z.infer<typeof setMemberLimitsInput>) {
  const target = await findMembership(db, actor.organizationId, input.membershipId);
  assertMayActOnMember(actor, target, 'change an owner’s limits');
  const key = (metric: string) => ({ organizationId_userId_metric: { organizationId: actor.organizationId, userId: target.userId, metric } });
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.userLimit.findMany({ where: { organizationId: actor.organizationId, userId: target.userId }, select: { metric: true, limit: true } });
    for (const { metric, limit } of input.limits) {
      if (limit === null) await tx.userLimit.deleteMany({ where: { organizationId: actor.organizationId, userId: target.userId, metric } });
      else await tx.userLimit.upsert({ where: key(metric), create: { organizationId: actor.organizationId, userId: target.userId, metric, limit }, update: { limit } });
    }
    const after = await tx.userLimit.findMany({ where: { organizationId: actor.organizationId, userId: target.userId }, select: { metric: true, limit: true } });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'member.limits_change',
      targetType: 'membership',
      targetId: target.id,
      before: { email: target.user.email, limits: before },
      after: { email: target.user.email, limits: after },
    });
    return after;
  });
}
