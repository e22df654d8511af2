import { z } from 'zod';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';

export const updateAlertSettingsInput = z.object({
  /** Thresholds themselves are edited with the organization's settings (organization.updateSettings). */
  spikeMultiplier: z
    .number({ message: 'The spike multiplier must be a number such as 3.' })
    .min(1.5, 'A spike is at least 1.5× the trailing average.')
    .max(100, 'Keep the spike multiplier at 100× or less.')
    .refine((n) => Math.round(n * 10) === n * 10, 'Use at most one decimal, such as 2.5.'),
});

export async function getAlertSettings(db: Database, organizationId: string) {
  const org = await db.prisma.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { alertThresholds: true, spikeMultiplier: true } });
  return { thresholds: org.alertThresholds, spikeMultiplier: org.spikeMultiplier };
}

export async function updateAlertSettings(db: Database, actor: Actor, input: z.output<typeof updateAlertSettingsInput>) {
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { spikeMultiplier: true } });
    const after = await tx.organization.update({ where: { id: actor.organizationId }, data: { spikeMultiplier: input.spikeMultiplier }, select: { alertThresholds: true, spikeMultiplier: true } });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'alert_settings.change',
      targetType: 'organization',
      targetId: actor.organizationId,
      before,
      after: { spikeMultiplier: after.spikeMultiplier },
    });
    return { thresholds: after.alertThresholds, spikeMultiplier: after.spikeMultiplier };
  });
}
