// Every SMS consent change in one place, each a single SQL statement so it is atomic and safe when
// several processes apply the same change at once: the opt-out list row, the contact's mirror
// columns and one contact_consent_events row per actual change (nothing recorded when nothing changed).
import type { Database } from '../db/open-database';

export type ConsentSource = 'keyword' | 'provider_sync' | 'revocation_review' | 'manual' | 'import' | 'api';

const OPT_OUT_SQL = `
with inserted as (
  insert into sms_opt_outs (organization_id, phone, source, opted_out_at)
  select $1::uuid, p, $3, $4::timestamptz from unnest($2::text[]) as p
  on conflict (organization_id, phone) do nothing
  returning phone
), flipped as (
  update contacts set opt_out_sms = true, opt_out_at = $4::timestamptz, updated_at = $4::timestamptz
  where organization_id = $1::uuid and phone = any($2::text[]) and opt_out_sms = false
  returning id, phone
)
insert into contact_consent_events (organization_id, id, phone, contact_id, change, source, detail, actor_user_id, occurred_at)
select $1::uuid, gen_random_uuid(), coalesce(f.phone, i.phone), f.id, 'opted_out', $3, $5, $6::uuid, $4::timestamptz
from inserted i full outer join flipped f on f.phone = i.phone
returning phone`;

/** Opts numbers out (sms_opt_outs + contacts.opt_out_sms); returns the numbers whose state changed. */
export async function recordOptOuts(
  db: Database,
  input: { organizationId: string; phones: string[]; source: ConsentSource; at: Date; detail?: string | null; actorUserId?: string | null },
): Promise<string[]> {
  if (input.phones.length === 0) return [];
  const rows = await db.query<{ phone: string }>(OPT_OUT_SQL, [input.organizationId, input.phones, input.source, input.at, input.detail ?? null, input.actorUserId ?? null]);
  return rows.map((r) => r.phone);
}

const OPT_IN_SQL = `
with removed as (
  delete from sms_opt_outs where organization_id = $1::uuid and phone = $2
  returning phone
), flipped as (
  update contacts set opt_out_sms = false, opt_out_at = null, consent_sms = true, consent_source = $3, consent_at = $4::timestamptz, updated_at = $4::timestamptz
  where organization_id = $1::uuid and phone = $2
  returning id, phone
)
insert into contact_consent_events (organization_id, id, phone, contact_id, change, source, detail, actor_user_id, occurred_at)
select $1::uuid, gen_random_uuid(), $2, (select id from flipped limit 1), 'opted_in', $3, $5, $6::uuid, $4::timestamptz
returning phone`;

/** The recipient asked to receive messages again (START): off the opt-out list, consent recorded. */
export async function recordOptIn(
  db: Database,
  input: { organizationId: string; phone: string; source: ConsentSource; at: Date; detail?: string | null; actorUserId?: string | null },
): Promise<void> {
  await db.query(OPT_IN_SQL, [input.organizationId, input.phone, input.source, input.at, input.detail ?? null, input.actorUserId ?? null]);
}

/** When the provider last opted this number in for us (it allows once per 30 days). */
export async function lastProviderOptIn(db: Database, organizationId: string, phone: string): Promise<Date | null> {
  const [row] = await db.query<{ at: Date | null }>(
    `select max(occurred_at) as at from contact_consent_events where organization_id = $1::uuid and phone = $2 and change = 'opted_in' and detail like 'provider opt-in%'`,
    [organizationId, phone],
  );
  return row?.at ? new Date(row.at) : null;
}
