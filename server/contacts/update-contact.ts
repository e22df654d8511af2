import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { resolveContactOwner, resolveContactTeam } from './contact-assignment';
import { contactFieldsInput } from './contact-input';
import { normalizePhone } from './contact-phone';
import { findManageableContacts } from './contact-scope';
import { assertPhoneFree, defaultPhoneCountry } from './create-contact';

export const updateContactInput = contactFieldsInput.extend({ id: z.uuid() });

/**
 * Changes a contact's fields. A new phone number is another person's consent: consent starts over
 * (not given) and the new number's opt-out status comes from the opt-out list; the change is in the
 * consent history of both numbers (phone_changed, source manual, the actor). Giving a contact to
 * another owner is recorded in the audit log.
 */
export async function updateContact(db: Database, actor: Actor, input: z.output<typeof updateContactInput>, clock: Clock) {
  const [contact] = await findManageableContacts(db, actor, [input.id]);
  const data: Record<string, unknown> = {};
  if (input.name !== undefined) data.name = input.name;
  if (input.email !== undefined) data.email = input.email || null;
  if (input.tags !== undefined) data.tags = input.tags;
  let newPhone: { e164: string; country: string | null } | null | undefined;
  if (input.phone !== undefined) {
    if (!input.phone.trim()) newPhone = null;
    else {
      const result = normalizePhone(input.phone, await defaultPhoneCountry(db, actor.organizationId, input.country));
      if (!result.ok) throw new AppError('BAD_REQUEST', result.error, { field: 'phone' });
      newPhone = result;
    }
  }
  const phoneChanged = newPhone !== undefined && (newPhone?.e164 ?? null) !== contact!.phone;
  const email = input.email !== undefined ? input.email || null : contact!.email;
  const phoneAfter = newPhone !== undefined ? (newPhone?.e164 ?? null) : contact!.phone;
  if (!phoneAfter && !email) throw new AppError('BAD_REQUEST', 'A contact needs a phone number or an email address.', { field: 'phone' });
  if (phoneChanged && newPhone) await assertPhoneFree(db, actor, newPhone.e164, contact!.id);
  const ownerUserId = input.ownerUserId !== undefined && input.ownerUserId !== contact!.ownerUserId ? await resolveContactOwner(db, actor, input.ownerUserId) : undefined;
  if (ownerUserId) data.ownerUserId = ownerUserId;
  if (input.teamId !== undefined && input.teamId !== contact!.teamId) data.teamId = await resolveContactTeam(db, actor, input.teamId);

  try {
    return await db.prisma.$transaction(async (tx) => {
      if (phoneChanged) {
        const listed = newPhone ? await tx.smsOptOut.findUnique({ where: { organizationId_phone: { organizationId: actor.organizationId, phone: newPhone.e164 } } }) : null;
        Object.assign(data, {
          phone: newPhone?.e164 ?? null,
          country: newPhone?.country ?? null,
          consentSms: false,
          consentSource: null,
          consentAt: null,
          optOutSms: !!listed,
          optOutAt: listed?.optedOutAt ?? null,
        });
      }
      const updated = await tx.contact.update({ where: { organizationId_id: { organizationId: actor.organizationId, id: contact!.id } }, data });
      if (phoneChanged) {
        const before = contact!.phone;
        const after = newPhone?.e164 ?? null;
        const had = contact!.consentSms ? 'SMS consent given for it no longer applies' : 'no SMS consent was given for it';
        const history = [
          ...(before ? [{ phone: before, detail: `The contact's number changed from ${before} to ${after ?? 'none'}: ${had}.` }] : []),
          ...(after ? [{ phone: after, detail: `The contact's number changed to ${after} (from ${before ?? 'none'}): consent starts over, not given.` }] : []),
        ];
        await tx.contactConsentEvent.createMany({
          data: history.map((h) => ({ organizationId: actor.organizationId, phone: h.phone, contactId: contact!.id, change: 'phone_changed', source: 'manual', detail: h.detail, actorUserId: actor.userId, occurredAt: clock.now() })),
        });
      }
      if (ownerUserId) {
        await recordAuditEvent(tx, {
          organizationId: actor.organizationId,
          actorUserId: actor.userId,
          action: 'contact.change_owner',
          targetType: 'contact',
          targetId: contact!.id,
          before: { ownerUserId: contact!.ownerUserId },
          after: { ownerUserId },
        });
      }
      return { contact: updated, consentReset: phoneChanged && contact!.consentSms, at: clock.now() };
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw new AppError('CONFLICT', 'A contact with this phone number already exists in this organization.', { field: 'phone' });
    throw error;
  }
}
