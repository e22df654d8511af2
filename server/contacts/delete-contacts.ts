import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { findManageableContacts } from './contact-scope';

export const MAX_BULK_CONTACTS = 5_000;
export const contactIdsInput = z.array(z.uuid()).min(1, 'Select at least one contact.').max(MAX_BULK_CONTACTS, `Select at most ${MAX_BULK_CONTACTS.toLocaleString('en-US')} contacts at a time.`);
export const deleteContactsInput = z.object({ ids: contactIdsInput });

/**
 * Deletes contacts the actor may change (all of them or none). Their consent history stays (it is
 * kept by number), and so does the opt-out list: a number that opted out stays out if re-added.
 */
export async function deleteContacts(db: Database, actor: Actor, input: z.infer<typeof deleteContactsInput>) {
  const contacts = await findManageableContacts(db, actor, input.ids);
  return db.prisma.$transaction(async (tx) => {
    const deleted = (await tx.contact.deleteMany({ where: { organizationId: actor.organizationId, id: { in: contacts.map((c) => c.id) } } })).count;
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'contacts.delete',
      targetType: 'contact',
      targetId: contacts.length === 1 ? contacts[0]!.id : null,
      before: { count: contacts.length, ids: contacts.slice(0, 100).map((c) => c.id) },
      after: { deleted },
    });
    return { deleted };
  });
}
