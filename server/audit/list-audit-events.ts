import { z } from 'zod';
import type { Prisma } from '../db/generated/client';
import { plainText } from '../validation/text';
import type { Database } from '../db/open-database';

/** The viewer's filters, shared by the list and the CSV export. */
export const auditFiltersInput = z.object({
  action: plainText().max(100).optional(),
  /** Events done by this person, or by platform staff impersonating them, or done by this staff member while impersonating. */
  actorUserId: z.uuid().optional(),
  /** Only what platform staff did while impersonating someone. */
  impersonatedOnly: z.boolean().optional(),
  targetType: plainText().max(100).optional(),
  targetId: plainText().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});

export const listAuditEventsInput = auditFiltersInput.extend({
  /** The last event of the previous page: the next page starts after it (time, then id). */
  after: z.object({ createdAt: z.coerce.date(), id: z.uuid() }).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export function auditWhere(organizationId: string, input: z.infer<typeof auditFiltersInput>): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [{ organizationId }];
  if (input.action) and.push({ action: { startsWith: input.action } });
  if (input.actorUserId) and.push({ OR: [{ actorUserId: input.actorUserId }, { impersonatorUserId: input.actorUserId }] });
  if (input.impersonatedOnly) and.push({ impersonatorUserId: { not: null } });
  if (input.targetType) and.push({ targetType: input.targetType });
  if (input.targetId) and.push({ targetId: input.targetId });
  if (input.from) and.push({ createdAt: { gte: input.from } });
  if (input.to) and.push({ createdAt: { lt: input.to } });
  return { AND: and };
}

export async function namesOf(db: Database, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (wanted.length === 0) return new Map<string, { id: string; name: string; email: string }>();
  const users = await db.prisma.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true, email: true } });
  return new Map(users.map((u) => [u.id, u]));
}

/** The organization's audit trail, newest first, with the actor's name and, when impersonated, the real actor's. */
export async function listAuditEvents(db: Database, organizationId: string, input: z.infer<typeof listAuditEventsInput>) {
  const rows = await db.prisma.auditEvent.findMany({
    where: {
      AND: [
        auditWhere(organizationId, input),
        ...(input.after ? [{ OR: [{ createdAt: { lt: input.after.createdAt } }, { createdAt: input.after.createdAt, id: { lt: input.after.id } }] }] : []),
      ],
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: input.limit,
  });
  const people = await namesOf(db, rows.flatMap((r) => [r.actorUserId, r.impersonatorUserId]));
  return rows.map(({ seq, prevHash: _prevHash, ...r }) => ({
    ...r,
    seq: seq.toString(),
    actor: (r.actorUserId && people.get(r.actorUserId)) || null,
    impersonator: (r.impersonatorUserId && people.get(r.impersonatorUserId)) || null,
  }));
}

/** Everyone who appears in the organization's trail, as actor or as impersonating staff: the viewer's actor filter. */
export async function listAuditActors(db: Database, organizationId: string) {
  const rows = await db.query<{ id: string; impersonating: boolean }>(
    `select actor_user_id::text as id, false as impersonating from audit_events where organization_id = $1::uuid and actor_user_id is not null
     union select impersonator_user_id::text, true from audit_events where organization_id = $1::uuid and impersonator_user_id is not null`,
    [organizationId],
  );
  const people = await namesOf(db, rows.map((r) => r.id));
  const byId = new Map<string, { id: string; name: string; email: string; impersonator: boolean }>();
  for (const r of rows) {
    const person = people.get(r.id);
    const known = byId.get(r.id);
    byId.set(r.id, { id: r.id, name: person?.name ?? 'Deleted user', email: person?.email ?? '', impersonator: (known?.impersonator ?? false) || r.impersonating });
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}
