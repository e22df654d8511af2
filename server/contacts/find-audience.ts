// The contacts a campaign by tags would reach, for campaigns (server/campaigns/): every contact the
// actor may see that carries at least one of includeTags (all contacts when none is given) and none
// of excludeTags, with what decides eligibility — consent, opt-out (the contact's flag or the
// organization's opt-out list), a phone — left to the caller to count and filter.
//
// As SQL (audienceSql), so a campaign's plan of 100,000 recipients is counted, priced and written
// inside the database in one statement instead of travelling to Node and back.
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { contactReadScope } from './contact-scope';

export interface AudienceContact {
  id: string;
  name: string;
  phone: string | null;
  country: string | null;
  consentSms: boolean;
  /** The contact's flag or the number on sms_opt_outs. */
  optedOut: boolean;
}

/** Adds a query parameter and returns its placeholder ($n). */
export type SqlParam = (value: unknown) => string;

/**
 * A SELECT of the audience's contacts — id, name, phone, country, consent_sms, opted_out — for use
 * as a subquery; its values go through `param`.
 */
export async function audienceSql(db: Database, actor: Actor, input: { includeTags: readonly string[]; excludeTags: readonly string[] }, param: SqlParam): Promise<string> {
  const scope = await contactReadScope(db, actor);
  const scopeSql = scope.all ? 'true' : `(c.owner_user_id = any(${param(scope.ownerUserIds)}::uuid[]) or c.team_id = any(${param(scope.teamIds)}::uuid[]))`;
  const include = param([...input.includeTags]);
  return `select c.id, c.name, c.phone, c.country, c.consent_sms,
            (c.opt_out_sms or exists (select 1 from sms_opt_outs o where o.organization_id = c.organization_id and o.phone = c.phone)) as opted_out
       from contacts c
      where c.organization_id = ${param(actor.organizationId)}::uuid
        and (cardinality(${include}::text[]) = 0 or c.tags && ${include}::text[])
        and not (c.tags && ${param([...input.excludeTags])}::text[])
        and ${scopeSql}`;
}

export async function findAudienceContacts(db: Database, actor: Actor, input: { includeTags: readonly string[]; excludeTags: readonly string[] }): Promise<AudienceContact[]> {
  const params: unknown[] = [];
  const sql = await audienceSql(db, actor, input, (v) => {
    params.push(v);
    return `$${params.length}`;
  });
  const rows = await db.query<{ id: string; name: string; phone: string | null; country: string | null; consent_sms: boolean; opted_out: boolean }>(`${sql} order by c.id`, params);
  return rows.map((r) => ({ id: r.id, name: r.name, phone: r.phone, country: r.country, consentSms: r.consent_sms, optedOut: r.opted_out }));
}
