import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { hashToken } from './session-tokens';

export type ResolvedSession = NonNullable<Awaited<ReturnType<typeof resolveSession>>>;

/** The live session behind a token, or null when it is unknown, expired, revoked or its user can no longer sign in. */
export async function resolveSession(db: Database, token: string | undefined, clock: Clock) {
  if (!token) return null;
  const session = await db.prisma.session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true, platformRole: true, status: true } } },
  });
  const now = clock.now();
  if (!session || session.revokedAt || session.expiresAt <= now || session.user.status !== 'active') return null;
  // Touch at most once a minute: keeps "last seen" useful without a write per request.
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    await db.prisma.session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return session;
}
