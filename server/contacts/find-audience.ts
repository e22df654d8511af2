// The contacts a campaign by tags would reach, for campaigns (server/campaigns/): every contact the
// actor may see that carries at least one of includeTags (all contacts when none is given) and none
// of excludeTags, with what decides eligibility — consent, opt-out (the contact's flag or the
// organization's opt-out list), a phone — left to the caller to count and filter.
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { contactReadScope, contactScopeSql } from './contact-scope';

export interface AudienceContact {
  id: string;
  name: string;
  phone: string | null;
  country: string | null;
  consentSms: boolean;
  /** The contact's flag or the number on sms_opt_outs. */
  optedOut: boolean;
}

export async function findAudienceContacts(db: Database, actor: Actor, input: { includeTags: readonly string[]; excludeTags: readonly string[] }): Promise<AudienceContact[]> {
  const scope = contactScopeSql(await contactReadScope(db, actor), 'c', 4);
  const rows = await db.query<{ id: string; name: string; phone: string | null; country: string | null; consent_sms: boolean; opted_out: boolean }>(
    `select c.id, c.name, c.phone, c.country, c.consent_sms,
            (c.opt_out_sms or exists (select 1 from sms_opt_outs o where o.organization_id = c.organization_id and o.phone = c.phone)) as opted_out
       from contacts c
      where c.organization_id = $1
        and (cardinality($2::text[]) = 0 or c.tags && $2::text[])
        and not (c.tags && $3::text[])
        and ${scope.sql}
      order by c.id`,
    [actor.organizationId, input.includeTags, input.excludeTags, ...scope.params],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, phone: r.phone, country: r.country, consentSms: r.consent_sms, optedOut: r.opted_out }));
}
