import type { Clock } from '../clock';
import type { Database } from '../db/open-database';

/** Every impersonation of the organization's users by platform staff, newest first: what its owners see in the audit log. */
export async function listImpersonationSessions(db: Database, organizationId: string, clock: Clock) {
  const rows = await db.prisma.impersonationSession.findMany({ where: { organizationId }, orderBy: { startedAt: 'desc' }, take: 200 });
  const ids = [...new Set(rows.flatMap((r) => [r.impersonatorUserId, r.impersonatedUserId]))];
  const users = new Map((await db.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } })).map((u) => [u.id, u]));
  const now = clock.now();
  return rows.map((r) => ({
    id: r.id,
    impersonator: users.get(r.impersonatorUserId) ?? { id: r.impersonatorUserId, name: 'Deleted user', email: '' },
    impersonated: users.get(r.impersonatedUserId) ?? { id: r.impersonatedUserId, name: 'Deleted user', email: '' },
    reason: r.reason,
    ticketReference: r.ticketReference,
    startedAt: r.startedAt,
    expiresAt: r.expiresAt,
    escalatedAt: r.escalatedAt,
    escalationReason: r.escalationReason,
    endedAt: r.endedAt ?? (r.expiresAt <= now ? r.expiresAt : null),
    endedReason: r.endedReason ?? (r.expiresAt <= now ? 'expired' : null),
    active: !r.endedAt && r.expiresAt > now,
  }));
}
