// Use case (super admins): who the platform's staff are, with their role and last sign-in.
import type { Database } from '../../db/open-database';

export async function listStaff(db: Database) {
  const users = await db.prisma.user.findMany({
    where: { platformRole: { not: null } },
    select: { id: true, email: true, name: true, platformRole: true, status: true, lastSignInAt: true, createdAt: true, passwordHash: true },
    orderBy: [{ platformRole: 'asc' }, { email: 'asc' }],
  });
  return users.map(({ passwordHash, ...u }) => ({ ...u, platformRole: u.platformRole!, invitationPending: passwordHash === null }));
}
