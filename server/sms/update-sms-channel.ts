// Channel settings (not secrets): region, default SMS type, sender, throughput, the SNS topic
// whose deliveries reach /webhooks/sns, HELP reply, compliance footer and quiet hours. A topic
// belongs to one organization only (the webhook finds the organization by it). Audited.
import type { z } from 'zod';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { updateSmsChannelInput } from './sms-channel-schemas';

export async function updateSmsChannel(db: Database, actor: { organizationId: string; userId: string }, input: z.infer<typeof updateSmsChannelInput>) {
  return db.prisma.$transaction(async (tx) => {
    const before = await tx.smsChannel.findUnique({ where: { organizationId: actor.organizationId } });
    if (!before) throw new AppError('PRECONDITION_FAILED', 'Connect SMS first: save the AWS access key and region.');
    if (input.topicArn) {
      // Serialise topic claims so two organizations cannot take the same topic at once.
      await tx.$queryRawUnsafe('select 1 from pg_advisory_xact_lock(7320512)');
      const taken = await tx.smsChannel.findFirst({ where: { topicArn: input.topicArn, NOT: { organizationId: actor.organizationId } }, select: { organizationId: true } });
      if (taken) throw new AppError('CONFLICT', 'Another organization already uses this SNS topic; create a topic for this organization.', { field: 'topicArn' });
    }
    const after = await tx.smsChannel.update({ where: { organizationId: actor.organizationId }, data: input });
    const changed = Object.fromEntries(Object.keys(input).filter((k) => (before as Record<string, unknown>)[k] !== (after as Record<string, unknown>)[k]).map((k) => [k, (after as Record<string, unknown>)[k]]));
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'sms.channel_updated',
      targetType: 'sms_channel',
      targetId: actor.organizationId,
      before: Object.fromEntries(Object.keys(changed).map((k) => [k, (before as Record<string, unknown>)[k] ?? null])),
      after: changed,
    });
    return { updated: Object.keys(changed) };
  });
}
