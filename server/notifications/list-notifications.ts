import { z } from 'zod';
import type { Database } from '../db/open-database';

export const listNotificationsInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(30),
    unreadOnly: z.boolean().default(false),
  })
  .default({ limit: 30, unreadOnly: false });

/** The caller's own notifications in the active organization, newest first, with the unread count. */
export async function listNotifications(db: Database, organizationId: string, userId: string, input: z.output<typeof listNotificationsInput>) {
  const where = { organizationId, userId, ...(input.unreadOnly ? { readAt: null } : {}) };
  const [items, unread] = await Promise.all([
    db.prisma.notification.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: input.limit,
      select: { id: true, kind: true, title: true, body: true, link: true, readAt: true, createdAt: true },
    }),
    db.prisma.notification.count({ where: { organizationId, userId, readAt: null } }),
  ]);
  return { items, unread };
}

/** Just the badge's number (polled by the header). */
export async function countUnreadNotifications(db: Database, organizationId: string, userId: string) {
  return { unread: await db.prisma.notification.count({ where: { organizationId, userId, readAt: null } }) };
}
