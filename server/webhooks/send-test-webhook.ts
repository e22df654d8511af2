import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import type { Actor } from '../members/member-scope';
import { enqueueWebhookEvent } from './enqueue-webhook-event';
import { findEndpoint } from './update-webhook-endpoint';
import { WEBHOOK_TEST_EVENT } from './webhook-event-types';
import { AppError } from '../errors';

export const sendTestWebhookInput = z.object({ endpointId: z.uuid('endpointId must be an endpoint id') });

/** Queues a `webhook.test` event to one endpoint, to check the receiver and its signature check. */
export async function sendTestWebhook(services: AppServices, actor: Actor, input: z.output<typeof sendTestWebhookInput>) {
  const endpoint = await findEndpoint(services, actor.organizationId, input.endpointId);
  if (!endpoint.enabled) throw new AppError('PRECONDITION_FAILED', 'The endpoint is disabled: enable it first.');
  const eventId = await services.db.prisma.$transaction((tx) =>
    enqueueWebhookEvent(tx, actor.organizationId, WEBHOOK_TEST_EVENT, { message: 'A test event from Meterdesk.' }, services.clock.now(), { endpointId: endpoint.id }),
  );
  return { eventId };
}
