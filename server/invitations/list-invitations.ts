import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { Actor } from '../members/member-scope';

/** Invitations not yet accepted or revoked, newest first; expired ones are flagged so they can be resent. */
export async function listInvitations(db: Database, actor: Actor, clock: Clock) {
  const rows = await db.prisma.invitation.findMany({
    where: { organizationId: actor.organizationId, acceptedAt: null, revokedAt: null },
    orderBy: { createdAt: 'desc' },
    take: 1000,
  });
  const teams = await db.prisma.team.findMany({ where: { organizationId: actor.organizationId }, select: { id: true, name: true } });
  const now = clock.now();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    role: r.role,
    team: teams.find((t) => t.id === r.teamId)?.name ?? null,
    createdAt: r.createdAt,
    lastSentAt: r.lastSentAt,
    sendCount: r.sendCount,
    expiresAt: r.expiresAt,
    expired: r.expiresAt <= now,
  }));
}
