import type { Database } from '../db/open-database';

/** The organization's sent and queued emails, newest first: where invitation links are picked up without SMTP. */
export async function listOutbox(db: Database, organizationId: string) {
  return db.prisma.outboxEmail.findMany({
    where: { organizationId },
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: { id: true, to: true, subject: true, text: true, link: true, status: true, transport: true, error: true, createdAt: true, sentAt: true },
  });
}
