import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { plainText } from '../validation/text';
import { MANUAL_CONSENT_SOURCES, MAX_CONSENT_DETAIL } from './contact-rules';
import { findManageableContacts } from './contact-scope';
import { recordConsentChange } from './record-consent-change';

export const changeContactConsentInput = z.discriminatedUnion('action', [
  /** Never text this number again (joins the organization's opt-out list). */
  z.object({ id: z.uuid(), action: z.literal('opt_out'), detail: plainText().trim().max(MAX_CONSENT_DETAIL).optional() }),
  /** Consent given (on an opted-out number: given again, which is the only way back in). */
  z.object({ id: z.uuid(), action: z.literal('grant'), source: z.enum(MANUAL_CONSENT_SOURCES), detail: plainText().trim().max(MAX_CONSENT_DETAIL).optional() }),
  /** Consent withdrawn without joining the opt-out list. */
  z.object({ id: z.uuid(), action: z.literal('revoke'), detail: plainText().trim().max(MAX_CONSENT_DETAIL).optional() }),
]);

/** A person records a consent change for one contact; the history and opt-out list follow (recordConsentChange). */
export async function changeContactConsent(db: Database, actor: Actor, input: z.output<typeof changeContactConsentInput>, clock: Clock) {
  const [contact] = await findManageableContacts(db, actor, [input.id]);
  if (!contact!.phone) throw new AppError('BAD_REQUEST', 'This contact has no phone number; add one before recording SMS consent.');
  const phone = contact!.phone;
  const listed = await db.prisma.smsOptOut.findUnique({ where: { organizationId_phone: { organizationId: actor.organizationId, phone } } });
  const optedOut = contact!.optOutSms || !!listed;
  if (input.action === 'grant' && optedOut && !input.detail) {
    throw new AppError('BAD_REQUEST', 'This number opted out. To opt it back in, say how the person gave consent again (e.g. “replied START on 2 Dec” or “signed form 123”).', { field: 'detail' });
  }
  if (input.action === 'opt_out' && optedOut) throw new AppError('CONFLICT', 'This number has already opted out.');
  const change = input.action === 'opt_out' ? 'opted_out' : input.action === 'grant' ? (optedOut ? 'opted_in' : 'consent_granted') : 'consent_revoked';
  return db.prisma.$transaction(async (tx) => {
    const result = await recordConsentChange(tx, {
      organizationId: actor.organizationId,
      phones: [phone],
      change,
      source: input.action === 'grant' ? input.source : 'manual',
      detail: input.detail || null,
      actorUserId: actor.userId,
      at: clock.now(),
    });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'contact.consent',
      targetType: 'contact',
      targetId: contact!.id,
      before: { consentSms: contact!.consentSms, optOutSms: optedOut },
      after: { change, source: input.action === 'grant' ? input.source : 'manual' },
    });
    return { change, ...result };
  });
}
