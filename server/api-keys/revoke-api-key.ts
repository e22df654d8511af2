import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';

export const revokeApiKeyInput = z.object({ apiKeyId: z.uuid() });

/** Revokes a key at once, on every server (each re-checks keys it has cached within seconds). */
export async function revokeApiKey(db: Database, actor: { organizationId: string; userId: string | null }, input: z.output<typeof revokeApiKeyInput>, clock: Clock) {
  const key = await db.prisma.apiKey.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id: input.apiKeyId } } });
  if (!key) throw new AppError('NOT_FOUND', 'That API key does not exist in this organization.');
  if (key.revokedAt) return { revokedAt: key.revokedAt };
  const revokedAt = clock.now();
  await db.prisma.$transaction(async (tx) => {
    await tx.apiKey.update({ where: { organizationId_id: { organizationId: actor.organizationId, id: key.id } }, data: { revokedAt } });
    await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'api_key.revoke', targetType: 'api_key', targetId: key.id, before: { name: key.name, prefix: key.prefix } });
  });
  return { revokedAt };
}
