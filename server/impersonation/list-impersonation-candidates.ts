import { z } from 'zod';
import type { Database } from '../db/open-database';
import { plainText } from '../validation/text';

export const listImpersonationCandidatesInput = z.object({ organizationId: z.uuid(), search: plainText().trim().max(100).optional() });

/** The tenant's active users support may act as (platform staff excluded), for the start dialog. */
export async function listImpersonationCandidates(db: Database, input: z.infer<typeof listImpersonationCandidatesInput>) {
  const rows = await db.prisma.membership.findMany({
    where: {
      organizationId: input.organizationId,
      status: 'active',
      user: {
        status: 'active',
        platformRole: null,
        ...(input.search ? { OR: [{ name: { contains: input.search, mode: 'insensitive' } }, { email: { contains: input.search, mode: 'insensitive' } }] } : {}),
      },
    },
    select: { role: true, user: { select: { id: true, name: true, email: true } } },
    orderBy: { createdAt: 'asc' },
    take: 100,
  });
  return rows.map((r) => ({ userId: r.user.id, name: r.user.name, email: r.user.email, role: r.role }));
}
