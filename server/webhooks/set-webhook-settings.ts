import { z } from 'zod';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';

export const setWebhookSettingsInput = z.object({
  /** Let deliveries reach loopback, private and link-local addresses (a local receiver while testing). */
  allowPrivateTargets: z.boolean(),
});

export async function setWebhookSettings(db: Database, actor: Actor, input: z.output<typeof setWebhookSettingsInput>) {
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { webhooksAllowPrivateTargets: true } });
    await tx.organization.update({ where: { id: actor.organizationId }, data: { webhooksAllowPrivateTargets: input.allowPrivateTargets } });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'webhook_settings.change',
      targetType: 'organization',
      targetId: actor.organizationId,
      before: { allowPrivateTargets: before.webhooksAllowPrivateTargets },
      after: { allowPrivateTargets: input.allowPrivateTargets },
    });
    return { allowPrivateTargets: input.allowPrivateTargets };
  });
}
