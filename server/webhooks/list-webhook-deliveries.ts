import { z } from 'zod';
import type { Database } from '../db/open-database';

export const listWebhookDeliveriesInput = z.object({
  endpointId: z.uuid('endpointId must be an endpoint id'),
  limit: z.number().int().min(1).max(200).default(50),
});

/** The delivery log of one endpoint, newest first, each with its attempts (status code, latency, response start). */
export async function listWebhookDeliveries(db: Database, organizationId: string, input: z.output<typeof listWebhookDeliveriesInput>) {
  const deliveries = await db.prisma.webhookDelivery.findMany({
    where: { organizationId, endpointId: input.endpointId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: input.limit,
    select: { id: true, eventId: true, eventType: true, status: true, attempts: true, nextAttemptAt: true, giveUpAt: true, lastStatusCode: true, lastLatencyMs: true, lastError: true, replayOf: true, createdAt: true, completedAt: true },
  });
  const attempts = deliveries.length
    ? await db.prisma.webhookDeliveryAttempt.findMany({
        where: { organizationId, deliveryId: { in: deliveries.map((d) => d.id) } },
        orderBy: { attempt: 'asc' },
        select: { deliveryId: true, attempt: true, statusCode: true, latencyMs: true, error: true, responseExcerpt: true, attemptedAt: true },
      })
    : [];
  return deliveries.map((d) => ({ ...d, log: attempts.filter((a) => a.deliveryId === d.id) }));
}
