import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { resolveContactOwner, resolveContactTeam } from './contact-assignment';
import { contactFieldsInput, manualConsentInput } from './contact-input';
import { normalizePhone } from './contact-phone';
import { contactReadScope, inScope } from './contact-scope';
import { commitContactsCreated, reserveContactsCreated, settleContactsReservation } from './record-contacts-created';
import { recordConsentChange } from './record-consent-change';

export const createContactInput = contactFieldsInput.extend({
  /** SMS consent given now, with where it came from. */
  consent: manualConsentInput.optional(),
});
export type CreateContactInput = z.input<typeof createContactInput>;

/** The country national numbers are read in: the one chosen, else the organization's billing country. */
export async function defaultPhoneCountry(db: Database, organizationId: string, chosen?: string) {
  if (chosen) return chosen;
  const org = await db.prisma.organization.findUnique({ where: { id: organizationId }, select: { billingCountry: true } });
  return org?.billingCountry ?? null;
}

/**
 * Adds one contact. Its phone is normalised to E.164; a number on the organization's opt-out list
 * makes a contact that is opted out (consent given here does not override it: opting back in is a
 * separate, recorded act). Counts one contacts_created, reserved first: past the contacts quota it is
 * refused and nothing is written.
 */
export async function createContact(db: Database, actor: Actor, raw: z.output<typeof createContactInput>, clock: Clock) {
  const input = raw;
  let phone: { e164: string; country: string | null } | null = null;
  if (input.phone?.trim()) {
    const result = normalizePhone(input.phone, await defaultPhoneCountry(db, actor.organizationId, input.country));
    if (!result.ok) throw new AppError('BAD_REQUEST', result.error, { field: 'phone' });
    phone = result;
  }
  const email = input.email || null;
  if (!phone && !email) throw new AppError('BAD_REQUEST', 'Enter a phone number or an email address.', { field: 'phone' });
  const ownerUserId = await resolveContactOwner(db, actor, input.ownerUserId);
  const teamId = await resolveContactTeam(db, actor, input.teamId);
  if (phone) await assertPhoneFree(db, actor, phone.e164);

  // The contacts quota first (contacts_created, like every metered action): refused → nothing written.
  const reservation = await reserveContactsCreated(db, actor, 1, teamId, clock);
  if (reservation.allowed < 1) throw new AppError('PRECONDITION_FAILED', `Not created. ${reservation.refusal}`);
  const now = clock.now();
  let committed = false;
  try {
    const result = await db.prisma.$transaction(async (tx) => {
      const optOut = phone ? await tx.smsOptOut.findUnique({ where: { organizationId_phone: { organizationId: actor.organizationId, phone: phone.e164 } } }) : null;
      const contact = await tx.contact.create({
        data: {
          organizationId: actor.organizationId,
          ownerUserId,
          teamId,
          name: input.name ?? '',
          phone: phone?.e164 ?? null,
          country: phone?.country ?? null,
          email,
          tags: input.tags ?? [],
          optOutSms: !!optOut,
          optOutAt: optOut?.optedOutAt ?? null,
        },
      });
      if (input.consent && phone && !optOut) {
        await recordConsentChange(tx, {
          organizationId: actor.organizationId,
          phones: [phone.e164],
          change: 'consent_granted',
          source: input.consent.source,
          detail: input.consent.detail || null,
          actorUserId: actor.userId,
          at: now,
        });
      }
      await commitContactsCreated(tx, actor.organizationId, reservation, [contact], now);
      const created = await tx.contact.findUniqueOrThrow({ where: { organizationId_id: { organizationId: actor.organizationId, id: contact.id } } });
      return { contact: created, createdOptedOut: !!optOut };
    });
    committed = true;
    return result;
  } catch (error) {
    // Two people adding the same number at once: the unique index decides, the loser hears why.
    if ((error as { code?: string }).code === 'P2002') throw new AppError('CONFLICT', 'A contact with this phone number already exists in this organization.', { field: 'phone' });
    throw error;
  } finally {
    await settleContactsReservation(db, actor.organizationId, reservation, committed, clock);
  }
}

/** Refuses a number another contact holds, naming that contact only when the actor may see it. */
export async function assertPhoneFree(db: Database, actor: Actor, e164: string, exceptId?: string) {
  const holder = await db.prisma.contact.findUnique({ where: { organizationId_phone: { organizationId: actor.organizationId, phone: e164 } } });
  if (!holder || holder.id === exceptId) return;
  const visible = inScope(await contactReadScope(db, actor), holder);
  throw new AppError('CONFLICT', visible ? `${holder.name || e164} already has this phone number.` : 'A contact with this phone number already exists in this organization (owned by someone else).', {
    field: 'phone',
  });
}
