// Use case (platform support): sign a person out everywhere (a stolen laptop, a departing
// employee), with a reason, audited in the platform's trail. Only super admins end a staff
// member's sessions.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import type { PlatformRoleName } from '../permissions/permissions';
import { staffReason } from './staff/staff-rules';

export const endUserSessionsInput = z.object({ userId: z.uuid('userId must be a user id'), reason: staffReason });

export async function endUserSessions(db: Database, clock: Clock, actor: { userId: string; platformRole: PlatformRoleName | null }, input: z.output<typeof endUserSessionsInput>) {
  const user = await db.prisma.user.findUnique({ where: { id: input.userId }, select: { id: true, email: true, platformRole: true } });
  if (!user) throw new AppError('NOT_FOUND', 'That person does not exist.', { field: 'userId' });
  if (user.platformRole && actor.platformRole !== 'super_admin') throw new AppError('FORBIDDEN', 'Only super admins end a platform staff member’s sessions.');
  return db.prisma.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({ where: { userId: user.id, revokedAt: null, expiresAt: { gt: clock.now() } }, data: { revokedAt: clock.now() } });
    await recordAuditEvent(tx, { actorUserId: actor.userId, action: 'platform.user.end_sessions', targetType: 'user', targetId: user.id, after: { email: user.email, sessionsEnded: count }, reason: input.reason });
    return { sessionsEnded: count };
  });
}
