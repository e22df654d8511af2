import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordAuditEvent } from '../audit/record-audit-event';
import { plainText } from '../validation/text';
import type { Actor } from '../members/member-scope';
import { MAX_IMPORT_FILE_NAME, MAX_TAGS_PER_CONTACT, tagListSchema } from './contact-rules';
import { countryInput } from './contact-input';
import { importRowsInput } from './contact-import-rows';
import { checkImportRow, mergeRowsByPhone } from './check-import-row';
import { resolveContactOwner, resolveContactTeam } from './contact-assignment';
import { contactManageScope } from './contact-scope';
import { defaultPhoneCountry } from './create-contact';
import { commitContactsCreated, reserveContactsCreated, settleContactsReservation } from './record-contacts-created';

export const importContactsInput = z.object({
  /** One id for every upload of a file (chosen by the console), so the audit trail groups them. */
  importId: z.uuid(),
  fileName: plainText().trim().min(1, 'Name the file.').max(MAX_IMPORT_FILE_NAME),
  defaultCountry: countryInput.optional(),
  /** Added to every imported contact (e.g. "fair-2026"). */
  tagsForAll: tagListSchema.default([]),
  /** Owner and team of the contacts this file creates (existing contacts keep theirs). */
  ownerUserId: z.uuid().optional(),
  teamId: z.uuid().nullable().optional(),
  rows: importRowsInput,
});
export type ImportContactsInput = z.input<typeof importContactsInput>;

export interface ImportChunkResult {
  created: number;
  updated: number;
  /** Lines merged into an earlier line of the same number in this upload. */
  duplicates: number;
  /** Numbers on the opt-out list or opted out: kept opted out whatever the file says. */
  keptOptedOut: number;
  errors: { line: number; errors: string[] }[];
}

/**
 * Imports one upload of a CSV's rows (the console sends a file in uploads of up to 2,000 rows):
 * each row checked (bad rows are reported and skipped), rows for the same number merged, then one
 * multi-row INSERT … ON CONFLICT (organization_id, phone) DO UPDATE in one transaction with the
 * consent history and the contacts_created usage. Existing contacts get the file's non-empty fields
 * and the union of tags, keep their owner, and are never taken off an opt-out; consent changes only
 * where the file says yes or no (source "import", detail the file name). A number held by a
 * contact the importer may not change is left alone and reported.
 */
export async function importContacts(db: Database, actor: Actor, input: z.output<typeof importContactsInput>, clock: Clock): Promise<ImportChunkResult> {
  const [country, ownerUserId, teamId, scope] = await Promise.all([
    defaultPhoneCountry(db, actor.organizationId, input.defaultCountry),
    resolveContactOwner(db, actor, input.ownerUserId),
    resolveContactTeam(db, actor, input.teamId),
    contactManageScope(db, actor),
  ]);
  const errors: ImportChunkResult['errors'] = [];
  const valid = [];
  for (const row of input.rows) {
    const checked = checkImportRow(row, country, input.tagsForAll);
    if (checked.ok) valid.push(checked.row);
    else errors.push({ line: checked.line, errors: checked.errors });
  }
  const { merged: checked, duplicates } = mergeRowsByPhone(valid);
  const lines = input.rows.map((r) => r.line);
  const result: ImportChunkResult = { created: 0, updated: 0, duplicates, keptOptedOut: 0, errors };

  // The contacts quota: the rows that would create a contact reserve contacts_created first. Past the
  // cap, the first rows of the file get the room left and the others are reported row by row.
  const existing = new Set(
    (await db.query<{ phone: string }>('select phone from contacts where organization_id = $1::uuid and phone = any($2::text[])', [actor.organizationId, checked.map((r) => r.phone)])).map((r) => r.phone),
  );
  const fresh = checked.filter((r) => !existing.has(r.phone)).sort((x, y) => x.line - y.line);
  const reservation = await reserveContactsCreated(db, actor, fresh.length, teamId, clock);
  const mayCreate = new Set(fresh.slice(0, reservation.allowed).map((r) => r.phone));
  for (const row of fresh.slice(reservation.allowed)) errors.push({ line: row.line, errors: [`Not imported. ${reservation.refusal}`] });
  const merged = checked.filter((r) => existing.has(r.phone) || mayCreate.has(r.phone));

  let committed = false;
  try {
    if (merged.length > 0) {
      const written = await withDeadlockRetry(() =>
        db.prisma.$transaction(
          async (tx) => {
            const now = clock.now();
            // Lock the rows this upload may change, in phone order (as every import does), and read
            // their consent as it is now, for the history.
            const before = await tx.$queryRawUnsafe<{ phone: string; consent_sms: boolean }[]>(
              'select phone, consent_sms from contacts where organization_id = $1::uuid and phone = any($2::text[]) order by phone for update',
              actor.organizationId,
              merged.map((r) => r.phone),
            );
            // A contact that existed a moment ago and was deleted since would be created without quota: those rows wait for another try.
            const held = new Set(before.map((b) => b.phone));
            const gone = merged.filter((r) => !held.has(r.phone) && !mayCreate.has(r.phone));
            const upsert = gone.length ? merged.filter((r) => held.has(r.phone) || mayCreate.has(r.phone)) : merged;
            const phones = upsert.map((r) => r.phone);
            const scopeOwners = scope.all ? null : scope.ownerUserIds;
            const scopeTeams = scope.all ? null : scope.teamIds;
            const rows = await tx.$queryRawUnsafe<{ id: string; phone: string; team_id: string | null; inserted: boolean; consent_sms: boolean; opt_out_sms: boolean }[]>(
              UPSERT_SQL,
              actor.organizationId,
              phones,
              upsert.map((r) => r.country),
              upsert.map((r) => r.name),
              upsert.map((r) => r.email),
              upsert.map((r) => r.tags.join(',')),
              upsert.map((r) => r.consent),
              ownerUserId,
              teamId,
              now,
              scopeOwners,
              scopeTeams,
              MAX_TAGS_PER_CONTACT,
            );
            const wasConsented = new Map(before.map((b) => [b.phone, b.consent_sms]));
            const byPhone = new Map(upsert.map((r) => [r.phone, r]));
            const events: { phone: string; contactId: string; change: string }[] = [];
            let keptOptedOut = 0;
            for (const row of rows) {
              const said = byPhone.get(row.phone)!.consent;
              if (row.opt_out_sms) {
                if (said) keptOptedOut++;
                continue;
              }
              const old = row.inserted ? false : (wasConsented.get(row.phone) ?? false);
              if (said !== null && said !== old && row.consent_sms === said) events.push({ phone: row.phone, contactId: row.id, change: said ? 'consent_granted' : 'consent_revoked' });
            }
            if (events.length > 0) {
              await tx.$executeRawUnsafe(
                `insert into contact_consent_events (organization_id, id, phone, contact_id, change, source, detail, actor_user_id, occurred_at)
                 select $1::uuid, gen_random_uuid(), phone, contact_id, change, 'import', $5, $6::uuid, $7::timestamptz
                   from unnest($2::text[], $3::uuid[], $4::text[]) as t(phone, contact_id, change)`,
                actor.organizationId,
                events.map((e) => e.phone),
                events.map((e) => e.contactId),
                events.map((e) => e.change),
                input.fileName,
                actor.userId,
                now,
              );
            }
            const created = rows.filter((r) => r.inserted).map((r) => ({ id: r.id, teamId: r.team_id }));
            await commitContactsCreated(tx, actor.organizationId, reservation, created, now, { importId: input.importId });
            const returned = new Set(rows.map((r) => r.phone));
            const refused = upsert.filter((r) => !returned.has(r.phone)).map((r) => r.line);
            const counts = { created: created.length, updated: rows.length - created.length, keptOptedOut, refused, gone: gone.map((r) => r.line) };
            await recordAuditEvent(tx, {
              organizationId: actor.organizationId,
              actorUserId: actor.userId,
              action: 'contacts.import',
              targetType: 'contact_import',
              targetId: input.importId,
              after: { fileName: input.fileName, firstLine: Math.min(...lines), lastLine: Math.max(...lines), rows: input.rows.length, created: counts.created, updated: counts.updated, duplicates, keptOptedOut, failed: errors.length + refused.length },
            });
            return counts;
          },
          { timeout: 60_000, maxWait: 30_000 },
        ),
      );
      committed = true;
      result.created = written.created;
      for (const line of written.gone) result.errors.push({ line, errors: ['This number’s contact was deleted while importing; import this row again.'] });
      result.updated = written.updated;
      result.keptOptedOut = written.keptOptedOut;
      for (const line of written.refused) result.errors.push({ line, errors: ['A contact with this number exists and is not yours to change (managers: their teams’); it was left as is.'] });
    } else if (input.rows.length > 0) {
      await recordAuditEvent(db.prisma, {
        organizationId: actor.organizationId,
        actorUserId: actor.userId,
        action: 'contacts.import',
        targetType: 'contact_import',
        targetId: input.importId,
        after: { fileName: input.fileName, firstLine: Math.min(...lines), lastLine: Math.max(...lines), rows: input.rows.length, created: 0, updated: 0, duplicates, keptOptedOut: 0, failed: errors.length },
      });
    }
    result.errors.sort((a, b) => a.line - b.line);
    return result;
  } finally {
    await settleContactsReservation(db, actor.organizationId, reservation, committed, clock);
  }
}

/** Deadlocks cannot happen between imports (rows are locked in phone order), but other writers exist: retry those, a few times. */
async function withDeadlockRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const text = String((error as { message?: string }).message ?? '') + String((error as { meta?: unknown }).meta ? JSON.stringify((error as { meta?: unknown }).meta) : '');
      if (attempt >= 3 || !/40P01|40001|deadlock|could not serialize/i.test(text)) throw error;
    }
  }
}

// $1 organization, $2–$7 the rows (phone, country, name, email, tags joined by ",", consent or null),
// $8 owner and $9 team of new contacts, $10 now, $11/$12 the importer's scope (null: all), $13 the tag cap.
// A new contact of a number on the opt-out list starts opted out; an existing one is never taken
// off it, and its consent changes only where the file says so and it is not opted out.
const UPSERT_SQL = `
with input as (
  select * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[])
    as t(phone, country, name, email, tags, consent)
),
prepared as (
  select i.phone, i.country, i.name, i.email, i.consent,
         coalesce(string_to_array(nullif(i.tags, ''), ','), '{}'::text[]) as tag_list,
         o.opted_out_at as listed_at
    from input i left join sms_opt_outs o on o.organization_id = $1::uuid and o.phone = i.phone
)
insert into contacts as c (organization_id, id, owner_user_id, team_id, name, phone, country, email, tags,
                           consent_sms, consent_source, consent_at, opt_out_sms, opt_out_at, created_at, updated_at)
select $1::uuid, gen_random_uuid(), $8::uuid, $9::uuid, coalesce(p.name, ''), p.phone, p.country, p.email, p.tag_list,
       -- consent_source 'import' marks "the file says yes or no" for the update below (no subquery per row).
       p.listed_at is null and coalesce(p.consent, false),
       case when p.listed_at is null and p.consent is not null then 'import' end,
       case when p.listed_at is null and p.consent is not null then $10::timestamptz end,
       p.listed_at is not null, p.listed_at, $10::timestamptz, $10::timestamptz
  from prepared p
 order by p.phone
on conflict (organization_id, phone) do update set
  name = coalesce(nullif(excluded.name, ''), c.name),
  email = coalesce(excluded.email, c.email),
  country = coalesce(excluded.country, c.country),
  tags = array(select t from unnest(c.tags || excluded.tags) with ordinality u(t, n) group by t order by min(n) limit $13::int),
  consent_sms = case when c.opt_out_sms or excluded.opt_out_sms or excluded.consent_source is null then c.consent_sms else excluded.consent_sms end,
  consent_source = case when c.opt_out_sms or excluded.opt_out_sms or excluded.consent_source is null or c.consent_sms = excluded.consent_sms
                        then c.consent_source else 'import' end,
  consent_at = case when c.opt_out_sms or excluded.opt_out_sms or excluded.consent_source is null or c.consent_sms = excluded.consent_sms
                    then c.consent_at else $10::timestamptz end,
  opt_out_sms = c.opt_out_sms or excluded.opt_out_sms,
  opt_out_at = case when c.opt_out_sms then c.opt_out_at else excluded.opt_out_at end,
  updated_at = $10::timestamptz
where $11::uuid[] is null or c.owner_user_id = any($11::uuid[]) or c.team_id = any($12::uuid[])
returning c.id, c.phone, c.team_id, (xmax = 0) as inserted, c.consent_sms, c.opt_out_sms`;
