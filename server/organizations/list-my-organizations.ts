import type { Database } from '../db/open-database';

export async function listMyOrganizations(db: Database, userId: string) {
  const memberships = await db.prisma.membership.findMany({
    where: { userId, status: 'active' },
    include: { organization: { select: { id: true, name: true, slug: true } } },
    orderBy: { organization: { name: 'asc' } },
  });
  return memberships.map((m) => ({ ...m.organization, role: m.role }));
}
