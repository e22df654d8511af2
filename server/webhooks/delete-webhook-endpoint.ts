import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { findEndpoint } from './update-webhook-endpoint';

export const deleteWebhookEndpointInput = z.object({ endpointId: z.uuid('endpointId must be an endpoint id') });

/** Removes the endpoint, its pending deliveries and their log; events stay for other endpoints. */
export async function deleteWebhookEndpoint(services: AppServices, actor: Actor, input: z.output<typeof deleteWebhookEndpointInput>) {
  const endpoint = await findEndpoint(services, actor.organizationId, input.endpointId);
  const organizationId = actor.organizationId;
  await services.db.prisma.$transaction(async (tx) => {
    const deliveries = await tx.webhookDelivery.findMany({ where: { organizationId, endpointId: endpoint.id }, select: { id: true } });
    await tx.webhookDeliveryAttempt.deleteMany({ where: { organizationId, deliveryId: { in: deliveries.map((d) => d.id) } } });
    await tx.webhookDelivery.deleteMany({ where: { organizationId, endpointId: endpoint.id } });
    await tx.webhookEndpoint.delete({ where: { organizationId_id: { organizationId, id: endpoint.id } } });
    await recordAuditEvent(tx, { organizationId, actorUserId: actor.userId, action: 'webhook_endpoint.delete', targetType: 'webhook_endpoint', targetId: endpoint.id, before: { url: endpoint.url, events: endpoint.events } });
  });
  return { deleted: true };
}
