import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { contactReadScope, contactScopeSql } from './contact-scope';

/** Every tag on the contacts the actor sees, with how many carry it (filters, campaign audiences). */
export async function listContactTags(db: Database, actor: Actor): Promise<{ tag: string; count: number }[]> {
  const scope = contactScopeSql(await contactReadScope(db, actor), 'c', 2);
  const rows = await db.query<{ tag: string; count: string | number }>(
    `select t.tag, count(*) as count
       from contacts c cross join lateral unnest(c.tags) as t(tag)
      where c.organization_id = $1 and ${scope.sql}
      group by t.tag order by count(*) desc, t.tag limit 1000`,
    [actor.organizationId, ...scope.params],
  );
  return rows.map((r) => ({ tag: r.tag, count: Number(r.count) }));
}
