import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { MAX_TAGS_PER_CONTACT, tagListSchema } from './contact-rules';
import { findManageableContacts } from './contact-scope';
import { contactIdsInput } from './delete-contacts';

export const tagContactsInput = z
  .object({ ids: contactIdsInput, add: tagListSchema.default([]), remove: tagListSchema.default([]) })
  .refine((v) => v.add.length + v.remove.length > 0, { message: 'Choose tags to add or remove.', path: ['add'] });

/** Adds and removes tags on selected contacts (all or none), keeping each contact's tag order. */
export async function tagContacts(db: Database, actor: Actor, input: z.output<typeof tagContactsInput>) {
  const contacts = await findManageableContacts(db, actor, input.ids);
  const ids = contacts.map((c) => c.id);
  return db.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ id: string; over: boolean }[]>(
      `update contacts c set tags = n.tags, updated_at = now()
         from (select id, array(select t from unnest(tags || $3::text[]) with ordinality u(t, k) where t <> all($4::text[]) group by t order by min(k)) as tags
                 from contacts where organization_id = $1::uuid and id = any($2::uuid[]) for update) n
        where c.organization_id = $1::uuid and c.id = n.id
        returning c.id, cardinality(c.tags) > $5::int as over`,
      actor.organizationId,
      ids,
      input.add,
      input.remove,
      MAX_TAGS_PER_CONTACT,
    );
    const over = rows.filter((r) => r.over).length;
    // Thrown inside the transaction, so nothing changes.
    if (over > 0) throw new AppError('BAD_REQUEST', `${over} of these contacts would have more than ${MAX_TAGS_PER_CONTACT} tags; remove some first.`, { field: 'add' });
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'contacts.tag',
      targetType: 'contact',
      targetId: ids.length === 1 ? ids[0]! : null,
      after: { count: rows.length, add: input.add, remove: input.remove },
    });
    return { updated: rows.length };
  });
}
