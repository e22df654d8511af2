import { randomBytes } from 'node:crypto';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event';
import { z } from 'zod';
import { plainText } from '../validation/text';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordAuditEvent } from '../audit/record-audit-event';
import { hashToken } from '../auth/session-tokens';
import { API_KEY_SCOPES } from './api-key-scopes';

export const createApiKeyInput = z.object({
  name: plainText().trim().min(1, 'Give the key a name, e.g. the service that uses it.').max(80),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, 'Choose at least one scope.').transform((s) => [...new Set(s)]),
  /** Days until it stops working; omitted: it does not expire. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/**
 * Creates an API key: `mdk_<prefix>_<secret>`. The whole key is returned once; the database keeps
 * its SHA-256 hash and the prefix, which identifies the key in lists and logs.
 */
export async function createApiKey(db: Database, actor: { organizationId: string; userId: string | null }, input: z.output<typeof createApiKeyInput>, clock: Clock) {
  const prefix = randomBytes(6).toString('hex');
  const key = `mdk_${prefix}_${randomBytes(24).toString('base64url')}`;
  const now = clock.now();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  const row = await db.prisma.$transaction(async (tx) => {
    const keyHash = hashToken(key);
    const created = await tx.apiKey.create({
      data: { organizationId: actor.organizationId, name: input.name, prefix, keyHash, scopes: input.scopes, expiresAt, createdById: actor.userId, createdAt: now },
    });
    // The global key → organization lookup the API path starts from (api_keys is per tenant).
    await tx.apiKeyLookup.create({ data: { keyHash, organizationId: actor.organizationId, apiKeyId: created.id } });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: created.id,
      after: { name: input.name, prefix, scopes: input.scopes, expiresAt },
    });
    // Never the key itself: its prefix identifies it.
    await enqueueWebhookEvent(tx, actor.organizationId, 'api_key.created', { apiKeyId: created.id, name: input.name, prefix, scopes: input.scopes, expiresAt, createdBy: actor.userId }, now);
    return created;
  });
  return { id: row.id, name: row.name, prefix, scopes: row.scopes, expiresAt, key };
}
