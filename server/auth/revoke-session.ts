import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';

export const revokeSessionInput = z.object({ sessionId: z.uuid('Choose a session from the list.') });

/**
 * Ends one of the user's own sessions. The session is looked up by id AND owner in one statement:
 * another person's session id answers "not found", exactly like an id that does not exist.
 */
export async function revokeSession(db: Database, userId: string, input: z.infer<typeof revokeSessionInput>, clock: Clock) {
  return db.prisma.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({ where: { id: input.sessionId, userId, revokedAt: null }, data: { revokedAt: clock.now() } });
    if (count !== 1) throw new AppError('NOT_FOUND', 'That session has already ended, or is not one of yours.');
    await recordAuditEvent(tx, { actorUserId: userId, action: 'auth.session_revoke', targetType: 'session', targetId: input.sessionId });
    return { ok: true as const };
  });
}
