import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { RETRY_WINDOW_MS } from './enqueue-webhook-event';

export const replayWebhookDeliveryInput = z.object({ deliveryId: z.uuid('deliveryId must be a delivery id') });

/**
 * Sends an event again to the same endpoint as a new delivery (same event id and body, a fresh
 * signature), with its own 24 hours of retries. Receivers deduplicate on the event id.
 */
export async function replayWebhookDelivery(services: AppServices, actor: Actor, input: z.output<typeof replayWebhookDeliveryInput>) {
  const organizationId = actor.organizationId;
  const original = await services.db.prisma.webhookDelivery.findUnique({ where: { organizationId_id: { organizationId, id: input.deliveryId } } });
  if (!original) throw new AppError('NOT_FOUND', 'That delivery does not exist in this organization.');
  const endpoint = await services.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { organizationId_id: { organizationId, id: original.endpointId } }, select: { enabled: true } });
  if (!endpoint.enabled) throw new AppError('PRECONDITION_FAILED', 'The endpoint is disabled: enable it before replaying deliveries.');
  const now = services.clock.now();
  return services.db.prisma.$transaction(async (tx) => {
    const replay = await tx.webhookDelivery.create({
      data: { organizationId, endpointId: original.endpointId, eventId: original.eventId, eventType: original.eventType, nextAttemptAt: now, giveUpAt: new Date(now.getTime() + RETRY_WINDOW_MS), replayOf: original.id, createdAt: now },
      select: { id: true, status: true, createdAt: true },
    });
    await recordAuditEvent(tx, { organizationId, actorUserId: actor.userId, action: 'webhook_delivery.replay', targetType: 'webhook_delivery', targetId: original.id, after: { replay: replay.id } });
    return replay;
  });
}
