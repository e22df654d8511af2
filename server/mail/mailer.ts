// Every email goes through the Mailer: it is always recorded in outbox_emails, and sent over SMTP
// (nodemailer) when SMTP_URL is configured. With nothing configured the outbox, readable in the
// console, is where invitations are picked up, so they work on a fresh install.
import nodemailer from 'nodemailer';
import type { Database } from '../db/open-database';

export interface OutgoingEmail {
  organizationId: string | null;
  to: string;
  subject: string;
  text: string;
  link?: string;
}

export interface Mailer {
  readonly transport: 'outbox' | 'smtp';
  send(email: OutgoingEmail): Promise<{ id: string }>;
}

export function createMailer(db: Database, options: { smtpUrl?: string; from?: string } = {}): Mailer {
  const smtp = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  const from = options.from ?? 'Meterdesk <no-reply@meterdesk.local>';
  return {
    transport: smtp ? 'smtp' : 'outbox',
    async send(email) {
      const row = await db.prisma.outboxEmail.create({
        data: { ...email, link: email.link ?? null, transport: smtp ? 'smtp' : 'outbox', status: smtp ? 'queued' : 'sent', sentAt: smtp ? null : new Date() },
      });
      if (smtp) {
        try {
          await smtp.sendMail({ from, to: email.to, subject: email.subject, text: email.text });
          await db.prisma.outboxEmail.update({ where: { id: row.id }, data: { status: 'sent', sentAt: new Date() } });
        } catch (error) {
          // The row stays readable in the outbox, so the link can still be shared by hand.
          await db.prisma.outboxEmail.update({ where: { id: row.id }, data: { status: 'failed', error: (error as Error).message.slice(0, 500) } });
        }
      }
      return { id: row.id };
    },
  };
}
