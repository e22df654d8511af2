// Use case (platform support, seed 003 /admin/users): find people across tenants by part of their
// email or name, with their memberships and last sign-in.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { plainText } from '../validation/text';

export const searchUsersInput = z.object({
  query: plainText().trim().min(2, 'Type at least 2 characters of an email or name.').max(200),
  limit: z.number().int().min(1).max(100).default(50),
});

export async function searchUsers(db: Database, input: z.output<typeof searchUsersInput>) {
  const users = await db.prisma.user.findMany({
    where: { OR: [{ email: { contains: input.query, mode: 'insensitive' } }, { name: { contains: input.query, mode: 'insensitive' } }] },
    select: {
      id: true,
      email: true,
      name: true,
      status: true,
      platformRole: true,
      lastSignInAt: true,
      createdAt: true,
      memberships: { select: { role: true, status: true, organization: { select: { id: true, slug: true, name: true } } }, take: 50 },
    },
    orderBy: { email: 'asc' },
    take: input.limit,
  });
  return users.map((u) => ({
    ...u,
    memberships: u.memberships.map((m) => ({ organizationId: m.organization.id, slug: m.organization.slug, organizationName: m.organization.name, role: m.role, status: m.status })),
  }));
}
