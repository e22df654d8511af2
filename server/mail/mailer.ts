// Every email goes through the Mailer: it is always recorded in outbox_emails, and sent over SMTP
// (nodemailer) when SMTP_URL is configured. With nothing configured the outbox, readable in the
// console, is where invitations are picked up, so they work on a fresh install.
// A link carrying a secret (an invitation's token) is never stored in clear: with SMTP the email is
// its only copy; without, it is sealed with a key from the OS keychain, or not kept at all.
import nodemailer from 'nodemailer';
import type { Database } from '../db/open-database';
import type { Keychain } from '../keychain/keychain';
import { outboxKey, sealLink } from './outbox-link-cipher';

export interface OutgoingEmail {
  organizationId: string | null;
  to: string;
  subject: string;
  /** The full text, secret link included, as the recipient reads it. */
  text: string;
  /** A link in `text` that carries a secret: mailed, but stored only sealed (or not at all). */
  link?: string;
  /** The invitation the link opens, so the outbox can offer to resend it. */
  invitationId?: string;
  /**
   * A password reset link is never kept, not even sealed: it would let whoever reads the outbox
   * take over the account. The stored copy has a placeholder; the email is the only copy.
   */
  linkKind?: 'invitation' | 'password_reset';
}

/** Where the secret link was in the stored text, by what became of it. */
export const LINK_PLACEHOLDERS = {
  emailed: '[invitation link — sent by email, not stored]',
  sealed: '[invitation link — kept encrypted; admins see it in the outbox]',
  dropped: '[invitation link — not stored (no OS keychain to encrypt it): resend the invitation to get a new link]',
  passwordReset: '[password reset link — sent by email, never stored]',
} as const;

export interface SentEmail {
  id: string;
  /** Whether the link can be picked up from the outbox later (sealed there). */
  linkKept: boolean;
}

export interface Mailer {
  readonly transport: 'outbox' | 'smtp';
  send(email: OutgoingEmail): Promise<SentEmail>;
}

export function createMailer(db: Database, options: { smtpUrl?: string; from?: string; keychain?: Keychain } = {}): Mailer {
  const smtp = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null;
  const from = options.from ?? 'Meterdesk <no-reply@meterdesk.local>';
  return {
    transport: smtp ? 'smtp' : 'outbox',
    async send(email) {
      const { link, invitationId, linkKind, ...rest } = email;
      let stored = { text: email.text, linkCiphertext: null as string | null };
      if (link && linkKind === 'password_reset') {
        stored = { text: email.text.split(link).join(LINK_PLACEHOLDERS.passwordReset), linkCiphertext: null };
      } else if (link) {
        // Only an organization's outbox keeps sealed links (its admins pick them up there).
        const key = smtp || !options.keychain || !email.organizationId ? null : await outboxKey(options.keychain, { create: true });
        const placeholder = smtp ? LINK_PLACEHOLDERS.emailed : key ? LINK_PLACEHOLDERS.sealed : LINK_PLACEHOLDERS.dropped;
        stored = { text: email.text.split(link).join(placeholder), linkCiphertext: key ? sealLink(key, link, email) : null };
      }
      const { organizationId, ...message } = rest;
      const state = { transport: smtp ? 'smtp' : 'outbox', status: smtp ? ('queued' as const) : ('sent' as const), sentAt: smtp ? null : new Date() };
      // An organization's emails stay with its other rows; those of no organization (password
      // resets, which never keep their link) go to the global platform_outbox_emails.
      const row = organizationId
        ? await db.prisma.outboxEmail.create({ data: { organizationId, ...message, ...stored, invitationId: invitationId ?? null, ...state } })
        : await db.prisma.platformOutboxEmail.create({ data: { ...message, text: stored.text, ...state } });
      const settle = (data: { status: 'sent' | 'failed'; sentAt?: Date; error?: string }) =>
        organizationId
          ? db.prisma.outboxEmail.update({ where: { organizationId_id: { organizationId, id: row.id } }, data })
          : db.prisma.platformOutboxEmail.update({ where: { id: row.id }, data });
      if (smtp) {
        try {
          await smtp.sendMail({ from, to: email.to, subject: email.subject, text: email.text });
          await settle({ status: 'sent', sentAt: new Date() });
        } catch (error) {
          // Recorded as failed; the link itself was not kept, so the outbox offers to resend.
          await settle({ status: 'failed', error: (error as Error).message.slice(0, 500) });
        }
      }
      return { id: row.id, linkKept: stored.linkCiphertext !== null };
    },
  };
}
