import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { plainText } from '../validation/text';
import { WEBHOOK_EVENT_KEYS } from './webhook-event-types';
import { sealSecret, webhookKey } from './webhook-secret-cipher';
import { newWebhookSecret } from './webhook-signature';
import { assertWebhookTargetAllowed, webhookUrlSchema } from './webhook-url';

export const MAX_ENDPOINTS_PER_ORGANIZATION = 20;

export const webhookEventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_KEYS, { message: `Choose events from: ${WEBHOOK_EVENT_KEYS.join(', ')}.` }))
  .min(1, 'Choose at least one event.')
  .max(WEBHOOK_EVENT_KEYS.length)
  .transform((events) => [...new Set(events)].sort());

export const createWebhookEndpointInput = z.object({
  url: webhookUrlSchema,
  description: plainText().trim().max(200, 'Keep the description under 200 characters.').default(''),
  events: webhookEventsSchema,
});

/**
 * Registers an endpoint. Its signing secret is returned once, here; the database keeps it sealed
 * under a key from the OS keychain (so a process can sign with it), never in clear.
 */
export async function createWebhookEndpoint(services: AppServices, actor: Actor, input: z.output<typeof createWebhookEndpointInput>) {
  const { db, clock } = services;
  const org = await db.prisma.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { webhooksAllowPrivateTargets: true } });
  await assertWebhookTargetAllowed(input.url, org.webhooksAllowPrivateTargets);
  const key = await webhookKey(services.keychain, { create: true });
  if (!key) {
    throw new AppError('PRECONDITION_FAILED', 'Webhooks need the OS keychain to keep signing secrets, and it is not available on this computer.');
  }
  const id = randomUUID();
  const secret = newWebhookSecret();
  const now = clock.now();
  const endpoint = await db.prisma.$transaction(async (tx) => {
    // Serializes concurrent creations per organization so the cap holds.
    await tx.$queryRaw`select id from organizations where id = ${actor.organizationId}::uuid for update`;
    const count = await tx.webhookEndpoint.count({ where: { organizationId: actor.organizationId } });
    if (count >= MAX_ENDPOINTS_PER_ORGANIZATION) throw new AppError('BAD_REQUEST', `An organization can have at most ${MAX_ENDPOINTS_PER_ORGANIZATION} webhook endpoints; delete one first.`);
    const created = await tx.webhookEndpoint.create({
      data: {
        organizationId: actor.organizationId,
        id,
        url: input.url,
        description: input.description,
        events: input.events,
        secretCiphertext: sealSecret(key, secret, actor.organizationId, id),
        secretKeyId: key.id,
        secretHint: secret.slice(0, 10),
        createdById: actor.userId,
        createdAt: now,
      },
      select: { id: true, url: true, description: true, events: true, enabled: true, secretHint: true, createdAt: true },
    });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'webhook_endpoint.create',
      targetType: 'webhook_endpoint',
      targetId: id,
      after: { url: input.url, events: input.events },
    });
    return created;
  });
  return { ...endpoint, secret };
}
