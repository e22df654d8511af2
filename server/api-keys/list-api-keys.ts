import type { Database } from '../db/open-database';

export async function listApiKeys(db: Database, organizationId: string) {
  return db.prisma.apiKey.findMany({
    where: { organizationId },
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, prefix: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true, createdAt: true },
  });
}
