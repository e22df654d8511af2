import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordAuditEvent } from '../audit/record-audit-event';

/** Revokes every session of the user, this one included. Returns how many were revoked. */
export async function signOutEverywhere(db: Database, userId: string, clock: Clock): Promise<number> {
  return db.prisma.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: clock.now() } });
    await recordAuditEvent(tx, { actorUserId: userId, action: 'auth.sign_out_everywhere', targetType: 'user', targetId: userId, after: { revoked: count } });
    return count;
  });
}
