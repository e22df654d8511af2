import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { plainText } from '../validation/text';
import { webhookEventsSchema } from './create-webhook-endpoint';
import { assertWebhookTargetAllowed, webhookUrlSchema } from './webhook-url';

export const updateWebhookEndpointInput = z.object({
  endpointId: z.uuid('endpointId must be an endpoint id'),
  url: webhookUrlSchema.optional(),
  description: plainText().trim().max(200, 'Keep the description under 200 characters.').optional(),
  events: webhookEventsSchema.optional(),
  /** Re-enabling an endpoint disabled after 24 hours of failures starts it afresh. */
  enabled: z.boolean().optional(),
});

export const SELECT_ENDPOINT = {
  id: true,
  url: true,
  description: true,
  events: true,
  enabled: true,
  disabledAt: true,
  disabledReason: true,
  failingSince: true,
  secretHint: true,
  createdAt: true,
} as const;

export async function findEndpoint(services: AppServices, organizationId: string, endpointId: string) {
  const found = await services.db.prisma.webhookEndpoint.findUnique({ where: { organizationId_id: { organizationId, id: endpointId } }, select: SELECT_ENDPOINT });
  if (!found) throw new AppError('NOT_FOUND', 'That webhook endpoint does not exist in this organization.');
  return found;
}

export async function updateWebhookEndpoint(services: AppServices, actor: Actor, input: z.output<typeof updateWebhookEndpointInput>) {
  const before = await findEndpoint(services, actor.organizationId, input.endpointId);
  if (input.url !== undefined) {
    const org = await services.db.prisma.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { webhooksAllowPrivateTargets: true } });
    await assertWebhookTargetAllowed(input.url, org.webhooksAllowPrivateTargets);
  }
  const enabling = input.enabled === true && !before.enabled;
  return services.db.prisma.$transaction(async (tx) => {
    const after = await tx.webhookEndpoint.update({
      where: { organizationId_id: { organizationId: actor.organizationId, id: input.endpointId } },
      data: {
        url: input.url,
        description: input.description,
        events: input.events,
        enabled: input.enabled,
        ...(input.enabled === false ? { disabledAt: services.clock.now(), disabledReason: 'Disabled by an admin.' } : {}),
        ...(enabling ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
      },
      select: SELECT_ENDPOINT,
    });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'webhook_endpoint.update',
      targetType: 'webhook_endpoint',
      targetId: input.endpointId,
      before: { url: before.url, description: before.description, events: before.events, enabled: before.enabled },
      after: { url: after.url, description: after.description, events: after.events, enabled: after.enabled },
    });
    return after;
  });
}
