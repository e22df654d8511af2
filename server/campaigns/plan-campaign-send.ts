// Who a campaign reaches and what it costs, before anything is written: the audience by tags among
// the contacts the sender may address, then consent, opt-outs and quiet hours; parts per message
// and the rate card's price per destination country. The preview shows this; launching writes it.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { findRate } from '../metering/find-rate';
import { findAudienceContacts, type AudienceContact } from '../contacts/find-audience';
import type { CampaignDraft } from './campaign-rules';
import { composeSmsText, messageSegments, type MessageSegments } from './message-segments';
import { phoneTimeZones, quietHoursZones } from './phone-time-zones';

export interface PlannedRecipient {
  contactId: string;
  phone: string;
  country: string | null;
  zones: string[];
  /** queued (now or held until notBefore), skipped_quiet_hours, or skipped_opt_out (written for the record, never sent). */
  status: 'queued' | 'skipped_quiet_hours' | 'skipped_opt_out';
  notBefore: Date;
  priceMicros: number;
}

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
  recipients: PlannedRecipient[];
}

export async function planCampaignSend(db: Database, actor: Actor, draft: CampaignDraft, options: { startAt: Date; now: Date }): Promise<CampaignPlan> {
  const organizationId = actor.organizationId;
  const channel = await db.prisma.smsChannel.findUnique({ where: { organizationId } });
  const footer = draft.appendFooter ? (channel?.complianceFooter ?? 'Reply STOP to opt out') : null;
  const text = composeSmsText(draft.body, footer);
  const segments = messageSegments(text);
  if ([...text].length > 1600) {
    throw new AppError('BAD_REQUEST', `With the compliance footer the message is ${[...text].length} characters, over the 1,600 one SMS send can carry; shorten it.`, { field: 'body' });
  }

  await refuseUnknownTags(db, organizationId, [...draft.includeTags, ...draft.excludeTags]);

  // The contacts the actor may address (server/contacts/ decides who sees what), by tags.
  const rows = (await findAudienceContacts(db, actor, { includeTags: draft.includeTags, excludeTags: draft.excludeTags })).filter(
    (c): c is AudienceContact & { phone: string } => !!c.phone,
  );

  const quietHours = draft.smsType === 'Promotional' ? { start: channel?.quietHoursStart ?? 21, end: channel?.quietHoursEnd ?? 8 } : null;
  const counts = { matched: rows.length, noConsent: 0, optedOut: 0, eligible: 0, sendNow: 0, heldQuietHours: 0, skippedQuietHours: 0 };
  const recipients: PlannedRecipient[] = [];
  for (const row of rows) {
    if (!row.consentSms) {
      counts.noConsent++;
      continue;
    }
    const country = row.country ?? parsePhoneNumberFromString(row.phone)?.country ?? null;
    const zones = quietHours ? quietHoursZones(phoneTimeZones(row.phone), options.startAt) : [];
    recipients.push({ contactId: row.id, phone: row.phone, country, zones, status: row.optedOut ? 'skipped_opt_out' : 'queued', notBefore: options.startAt, priceMicros: 0 });
    if (row.optedOut) counts.optedOut++;
  }

  // Quiet hours, judged by the database's time zone rules (the claim checks again with the same function).
  if (quietHours) {
    const keys = [...new Set(recipients.filter((r) => r.status === 'queued').map((r) => r.zones.join('&')))].filter((k) => k !== '');
    const releases = new Map<string, Date | null>();
    if (keys.length) {
      const found = await db.query<{ k: string; release: Date | null }>('select k, meterdesk_quiet_release(string_to_array(k, $5), $2, $3, $4) as release from unnest($1::text[]) k', [
        keys,
        options.startAt,
        quietHours.start,
        quietHours.end,
        '&',
      ]);
      for (const f of found) releases.set(f.k, f.release ? new Date(f.release) : null);
    }
    for (const r of recipients) {
      if (r.status !== 'queued') continue;
      const release = releases.get(r.zones.join('&'));
      if (!release) continue;
      if (draft.quietHoursAction === 'skip') r.status = 'skipped_quiet_hours';
      else r.notBefore = release;
    }
  }

  // Price per part by destination country, from the rate card in force when the send starts.
  const byCountry = new Map<string, CountryLine>();
  const countriesWithoutRate: string[] = [];
  let currency = 'usd';
  for (const code of new Set(recipients.map((r) => r.country ?? '*'))) {
    const rate = await findRate(db, { channel: 'sms', country: code === '*' ? 'ZZ' : code, messageType: 'sms' }, options.startAt);
    if (!rate) countriesWithoutRate.push(code);
    else currency = rate.currency;
    byCountry.set(code, { country: code, recipients: 0, parts: 0, pricePerPartMicros: rate?.priceMicros ?? 0, costMicros: 0 });
  }
  let totalParts = 0;
  let estimatedCostMicros = 0;
  for (const r of recipients) {
    if (r.status === 'skipped_opt_out') continue;
    if (r.status === 'skipped_quiet_hours') {
      counts.skippedQuietHours++;
      continue;
    }
    if (r.notBefore.getTime() > options.startAt.getTime()) counts.heldQuietHours++;
    else counts.sendNow++;
    const line = byCountry.get(r.country ?? '*')!;
    r.priceMicros = line.pricePerPartMicros * segments.parts;
    line.recipients++;
    line.parts += segments.parts;
    line.costMicros += r.priceMicros;
    totalParts += segments.parts;
    estimatedCostMicros += r.priceMicros;
  }
  counts.eligible = counts.sendNow + counts.heldQuietHours;
  return {
    text,
    segments,
    counts,
    totalParts,
    estimatedCostMicros,
    currency,
    byCountry: [...byCountry.values()].filter((l) => l.recipients > 0).sort((a, b) => b.recipients - a.recipients),
    countriesWithoutRate,
    quietHours,
    footer,
    recipients,
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
