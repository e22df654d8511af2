import type { Database } from '../db/open-database';
import type { Keychain } from '../keychain/keychain';
import { LINK_PLACEHOLDERS } from './mailer';
import { openLink, outboxKey } from './outbox-link-cipher';

/**
 * What became of an email's invitation link: `available` (opened from its sealed copy), `emailed`
 * (went by SMTP, not kept), `unavailable` (not kept, or sealed under a key this machine's keychain
 * does not hold): resend to get a new link. Null for an email without one.
 */
export type OutboxLinkState = 'available' | 'emailed' | 'unavailable' | null;

/**
 * The organization's sent and queued emails, newest first: where invitation links are picked up
 * without SMTP. Sealed links are opened here, for callers with invitations:manage only.
 */
export async function listOutbox(db: Database, keychain: Keychain, organizationId: string) {
  const rows = await db.prisma.outboxEmail.findMany({
    where: { organizationId },
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: { id: true, to: true, subject: true, text: true, linkCiphertext: true, invitationId: true, status: true, transport: true, error: true, createdAt: true, sentAt: true },
  });
  const key = rows.some((r) => r.linkCiphertext) ? await outboxKey(keychain, { create: false }) : null;
  return rows.map(({ linkCiphertext, ...email }) => {
    const link = key && linkCiphertext ? openLink(key, linkCiphertext, { organizationId, to: email.to }) : null;
    const linkState: OutboxLinkState = link ? 'available' : email.invitationId ? (email.transport === 'smtp' && !linkCiphertext ? 'emailed' : 'unavailable') : null;
    const text = link ? email.text.split(LINK_PLACEHOLDERS.sealed).join(link) : email.text;
    return { ...email, text, link, linkState };
  });
}
