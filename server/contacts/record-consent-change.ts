// The one place a number's SMS consent changes: the contact holding it (if any), the history
// (contact_consent_events: change, source, time, never updated) and the organization's opt-out list
// (sms_opt_outs, which the send path checks whether or not a contact holds the number). Called by
// the console's consent actions, the SNS opt-out sync and keyword replies (server/sms/), and
// campaigns. Run it inside the caller's transaction so the change and its cause commit together.
import type { Prisma } from '../db/generated/client';
import type { ConsentChange, ConsentSource } from './contact-rules';

export type ConsentTx = Pick<Prisma.TransactionClient, 'contact' | 'contactConsentEvent' | 'smsOptOut'>;

export interface ConsentChangeInput {
  organizationId: string;
  /** E.164 numbers (normalise first: server/contacts/contact-phone.ts). */
  phones: readonly string[];
  /**
   * opted_out: never send again (adds to sms_opt_outs; consent is revoked with it).
   * opted_in / consent_granted: consent given, with its source; on an opted-out number this is
   *   the only way back in (removes it from sms_opt_outs) and is recorded as opted_in.
   * consent_revoked: consent withdrawn without joining the opt-out list.
   */
  change: Exclude<ConsentChange, 'phone_changed'>;
  source: ConsentSource;
  /** e.g. the keyword or inbound message id, the import's file name, a person's note. */
  detail?: string | null;
  actorUserId?: string | null;
  at: Date;
}

export interface ConsentChangeResult {
  /** Contacts whose state changed. */
  contacts: number;
  /** History rows written (one per number whose state changed; an opt-out already listed writes none). */
  events: number;
}

/** Applies one consent change to every number in `phones`. Idempotent for opt-outs (a listed number is left as is). */
export async function recordConsentChange(tx: ConsentTx, input: ConsentChangeInput): Promise<ConsentChangeResult> {
  const phones = [...new Set(input.phones)];
  if (phones.length === 0) return { contacts: 0, events: 0 };
  const { organizationId, at, source } = input;
  const detail = input.detail ?? null;
  const actorUserId = input.actorUserId ?? null;
  const listed = new Set((await tx.smsOptOut.findMany({ where: { organizationId, phone: { in: phones } }, select: { phone: true } })).map((r) => r.phone));
  const holders = await tx.contact.findMany({ where: { organizationId, phone: { in: phones } }, select: { id: true, phone: true, optOutSms: true } });
  const contactOf = new Map(holders.map((c) => [c.phone!, c]));
  const events: { phone: string; change: ConsentChange }[] = [];
  let contacts = 0;

  if (input.change === 'opted_out') {
    const fresh = phones.filter((p) => !listed.has(p));
    await tx.smsOptOut.createMany({ data: fresh.map((phone) => ({ organizationId, phone, source, optedOutAt: at })), skipDuplicates: true });
    contacts = (
      await tx.contact.updateMany({
        where: { organizationId, phone: { in: phones }, optOutSms: false },
        data: { optOutSms: true, optOutAt: at, consentSms: false, consentSource: source, consentAt: at },
      })
    ).count;
    // A number already listed but held by a contact not yet marked (a race with an import) is marked above without a second event.
    for (const phone of fresh) events.push({ phone, change: 'opted_out' });
  } else if (input.change === 'opted_in' || input.change === 'consent_granted') {
    const wasOut = phones.filter((p) => listed.has(p) || contactOf.get(p)?.optOutSms);
    if (wasOut.length) await tx.smsOptOut.deleteMany({ where: { organizationId, phone: { in: wasOut } } });
    contacts = (
      await tx.contact.updateMany({
        where: { organizationId, phone: { in: phones } },
        data: { optOutSms: false, optOutAt: null, consentSms: true, consentSource: source, consentAt: at },
      })
    ).count;
    for (const phone of phones) if (wasOut.includes(phone) || contactOf.has(phone)) events.push({ phone, change: wasOut.includes(phone) ? 'opted_in' : 'consent_granted' });
  } else {
    contacts = (
      await tx.contact.updateMany({ where: { organizationId, phone: { in: phones } }, data: { consentSms: false, consentSource: source, consentAt: at } })
    ).count;
    for (const phone of phones) if (contactOf.has(phone)) events.push({ phone, change: 'consent_revoked' });
  }

  await tx.contactConsentEvent.createMany({
    data: events.map((e) => ({ organizationId, phone: e.phone, contactId: contactOf.get(e.phone)?.id ?? null, change: e.change, source, detail, actorUserId, occurredAt: at })),
  });
  return { contacts, events: events.length };
}
