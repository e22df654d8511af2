import type { Database } from '../db/open-database';
import type { Clock } from '../clock';

export async function signOut(db: Database, sessionId: string, clock: Clock): Promise<void> {
  await db.prisma.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: clock.now() } });
}
