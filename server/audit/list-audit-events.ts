import { z } from 'zod';
import { plainText } from '../validation/text';
import type { Database } from '../db/open-database';

export const listAuditEventsInput = z.object({
  action: plainText().max(100).optional(),
  /** The last event of the previous page: the next page starts after it (time, then id). */
  after: z.object({ createdAt: z.coerce.date(), id: z.uuid() }).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** The organization's audit trail, newest first, with the actor's name. */
export async function listAuditEvents(db: Database, organizationId: string, input: z.infer<typeof listAuditEventsInput>) {
  const rows = await db.prisma.auditEvent.findMany({
    where: {
      organizationId,
      ...(input.action ? { action: { startsWith: input.action } } : {}),
      ...(input.after ? { OR: [{ createdAt: { lt: input.after.createdAt } }, { createdAt: input.after.createdAt, id: { lt: input.after.id } }] } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: input.limit,
  });
  const actorIds = [...new Set(rows.map((r) => r.actorUserId).filter((id): id is string => !!id))];
  const actors = await db.prisma.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, email: true } });
  return rows.map((r) => ({ ...r, actor: actors.find((a) => a.id === r.actorUserId) ?? null }));
}
