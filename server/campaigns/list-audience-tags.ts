import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { contactReachCondition } from './campaign-access';

/** The tags on the contacts the actor may address, with how many contacts carry each (the audience picker). */
export async function listAudienceTags(db: Database, actor: Actor) {
  const params: unknown[] = [actor.organizationId];
  const reach = await contactReachCondition(db, actor, params);
  const rows = await db.query<{ tag: string; n: string }>(
    `select t as tag, count(*) as n from contacts ct, unnest(ct.tags) t where ct.organization_id = $1 and ct.phone is not null and ${reach} group by t order by t limit 1000`,
    params,
  );
  return rows.map((r) => ({ tag: r.tag, contacts: Number(r.n) }));
}
