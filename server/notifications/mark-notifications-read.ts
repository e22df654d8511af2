import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';

export const markNotificationsReadInput = z.union([
  z.object({ ids: z.array(z.uuid('ids must be notification ids')).min(1).max(100) }),
  z.object({ all: z.literal(true) }),
]);

/** Marks the caller's own notifications read (some, or all); another person's ids match nothing. */
export async function markNotificationsRead(db: Database, organizationId: string, userId: string, input: z.output<typeof markNotificationsReadInput>, clock: Clock) {
  const { count } = await db.prisma.notification.updateMany({
    where: { organizationId, userId, readAt: null, ...('ids' in input ? { id: { in: input.ids } } : {}) },
    data: { readAt: clock.now() },
  });
  return { marked: count };
}
