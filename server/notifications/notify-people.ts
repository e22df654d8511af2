// Tells people something: one in-app notification each (the bell in the console's header) and,
// when asked, an email through the Mailer (SMTP, or the outbox when none is configured).
import type { Prisma } from '../db/generated/client';
import type { Mailer } from '../mail/mailer';

export interface NotificationContent {
  kind: string;
  title: string;
  body: string;
  /** A console route, e.g. "usage?scope=team&id=…&metric=sms_sent". */
  link: string | null;
  alertFiringId?: string | null;
}

export interface Recipient {
  userId: string;
  email: string;
  name: string;
}

type Tx = Pick<Prisma.TransactionClient, 'notification'>;

/** In-app notifications, inside the caller's transaction; one per person (and per alert). */
export async function createNotifications(tx: Tx, organizationId: string, recipients: Recipient[], content: NotificationContent, now: Date) {
  if (recipients.length === 0) return 0;
  const { count } = await tx.notification.createMany({
    data: recipients.map((r) => ({ organizationId, userId: r.userId, kind: content.kind, title: content.title, body: content.body, link: content.link, alertFiringId: content.alertFiringId ?? null, createdAt: now })),
    skipDuplicates: true,
  });
  return count;
}

/** Emails, after the transaction committed; a failed email is recorded in the outbox and does not stop the others. */
export async function emailPeople(mailer: Mailer, organizationId: string, recipients: Recipient[], message: (r: Recipient) => { subject: string; text: string }) {
  for (const r of recipients) {
    const { subject, text } = message(r);
    await mailer.send({ organizationId, to: r.email, subject, text });
  }
}
