// The one call every domain makes to emit an outbound webhook event, inside the transaction that
// makes the change: the event and its deliveries (one per enabled endpoint subscribed to the type)
// commit with the change or not at all. The delivery job (deliver-webhooks.ts) sends them.
import type { Prisma } from '../db/generated/client';
import { WEBHOOK_TEST_EVENT, type WebhookEventType } from './webhook-event-types';

export const RETRY_WINDOW_MS = 24 * 3600_000;

type Tx = Pick<Prisma.TransactionClient, 'webhookEndpoint' | 'webhookEvent' | 'webhookDelivery'>;

export interface WebhookPayload {
  id: string;
  type: string;
  createdAt: string;
  organizationId: string;
  data: unknown;
}

/** Returns the event's id, or null when no endpoint listens for it (nothing is stored). */
export async function enqueueWebhookEvent(
  tx: Tx,
  organizationId: string,
  type: WebhookEventType | typeof WEBHOOK_TEST_EVENT,
  data: unknown,
  now: Date,
  options: { endpointId?: string } = {},
): Promise<string | null> {
  const endpoints = await tx.webhookEndpoint.findMany({
    where: options.endpointId ? { organizationId, id: options.endpointId } : { organizationId, enabled: true, events: { has: type } },
    select: { id: true },
  });
  if (endpoints.length === 0) return null;
  const event = await tx.webhookEvent.create({ data: { organizationId, type, body: '', createdAt: now }, select: { id: true } });
  const payload: WebhookPayload = { id: event.id, type, createdAt: now.toISOString(), organizationId, data };
  await tx.webhookEvent.update({ where: { organizationId_id: { organizationId, id: event.id } }, data: { body: JSON.stringify(payload) } });
  await tx.webhookDelivery.createMany({
    data: endpoints.map((e) => ({ organizationId, endpointId: e.id, eventId: event.id, eventType: type, nextAttemptAt: now, giveUpAt: new Date(now.getTime() + RETRY_WINDOW_MS), createdAt: now })),
  });
  return event.id;
}
