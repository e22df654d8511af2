import { z } from 'zod';
import type { Prisma } from '../db/generated/client';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { plainText } from '../validation/text';
import { tagSchema } from './contact-rules';
import { contactManageScope, contactReadScope, contactScopeWhere, inScope } from './contact-scope';
import { likeLiteral } from '../db/like-pattern';

export const listContactsInput = z.object({
  /** Part of a name, an email or a phone number (digits are matched however the number is written). */
  search: plainText().trim().max(100).optional(),
  tag: tagSchema.optional(),
  consent: z.enum(['granted', 'not_granted']).optional(),
  optedOut: z.boolean().optional(),
  ownerUserId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  sort: z.enum(['name', 'newest']).default('name'),
  /** Where the previous page ended (keyset pagination: stable while contacts are added). */
  cursor: z.object({ id: z.uuid(), name: plainText().max(500).optional(), createdAt: z.date().optional() }).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type ListContactsInput = z.infer<typeof listContactsInput>;

/** One page of the contacts the actor sees, filtered and searched, with the total that match. */
export async function listContacts(db: Database, actor: Actor, input: ListContactsInput) {
  const [scope, manage] = await Promise.all([contactReadScope(db, actor), contactManageScope(db, actor)]);
  const filters: Prisma.ContactWhereInput[] = [contactScopeWhere(actor, scope)];
  const search = input.search?.trim();
  if (search) {
    const digits = search.replace(/\D/g, '');
    filters.push({
      OR: [
        { name: { contains: likeLiteral(search), mode: 'insensitive' } },
        { email: { contains: likeLiteral(search), mode: 'insensitive' } },
        ...(digits.length >= 3 ? [{ phone: { contains: digits } }] : []),
      ],
    });
  }
  if (input.tag) filters.push({ tags: { has: input.tag } });
  if (input.consent) filters.push({ consentSms: input.consent === 'granted' });
  if (input.optedOut !== undefined) filters.push({ optOutSms: input.optedOut });
  if (input.ownerUserId) filters.push({ ownerUserId: input.ownerUserId });
  if (input.teamId) filters.push({ teamId: input.teamId });
  const where: Prisma.ContactWhereInput = { AND: filters };

  const orderBy: Prisma.ContactOrderByWithRelationInput[] = input.sort === 'name' ? [{ name: 'asc' }, { id: 'asc' }] : [{ createdAt: 'desc' }, { id: 'desc' }];
  const after = keysetAfter(input);
  const [total, page] = await Promise.all([
    db.prisma.contact.count({ where }),
    db.prisma.contact.findMany({ where: after ? { AND: [where, after] } : where, orderBy, take: input.limit + 1 }),
  ]);
  const rows = page.slice(0, input.limit);
  const last = rows.at(-1);
  const nextCursor = page.length > input.limit && last ? { id: last.id, name: last.name, createdAt: last.createdAt } : null;

  const [owners, teams] = await Promise.all([
    db.prisma.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.ownerUserId))] } }, select: { id: true, name: true } }),
    db.prisma.team.findMany({ where: { organizationId: actor.organizationId, id: { in: [...new Set(rows.map((r) => r.teamId).filter((t): t is string => !!t))] } }, select: { id: true, name: true } }),
  ]);
  const ownerName = new Map(owners.map((o) => [o.id, o.name]));
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  return {
    total,
    nextCursor,
    rows: rows.map((c) => ({
      ...c,
      ownerName: ownerName.get(c.ownerUserId) ?? 'Unknown',
      teamName: c.teamId ? (teamName.get(c.teamId) ?? null) : null,
      canManage: inScope(manage, c),
    })),
  };
}

function keysetAfter(input: ListContactsInput): Prisma.ContactWhereInput | null {
  const cursor = input.cursor;
  if (!cursor) return null;
  if (input.sort === 'name') {
    if (cursor.name === undefined) return { id: { gt: cursor.id } };
    return { OR: [{ name: { gt: cursor.name } }, { name: cursor.name, id: { gt: cursor.id } }] };
  }
  if (!cursor.createdAt) return { id: { lt: cursor.id } };
  return { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] };
}
