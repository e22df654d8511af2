// Contacts export (CSV): every contact the actor may see (contact-scope.ts: managers their teams',
// members their own where contacts are personal), with its SMS consent and opt-out fields. The
// console asks page after page (keyset on id, stable while contacts are added) and joins them into
// one download; each page is read from the database and streamed through csv-stringify, so no
// process holds more than a page. The first page carries the header and is audited.
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { contactReadScope, contactScopeSql } from './contact-scope';

export const EXPORT_PAGE_ROWS = 5000;

export const exportContactsInput = z.object({
  /** The id the previous page ended with (nextCursor); absent for the first page. */
  after: z.uuid('after must be the nextCursor of the previous page').optional(),
});

export const CONTACT_EXPORT_COLUMNS = [
  'name',
  'phone',
  'country',
  'email',
  'tags',
  'owner',
  'owner_email',
  'team',
  'consent_sms',
  'consent_source',
  'consent_at',
  'opt_out_sms',
  'opt_out_at',
  'opt_out_listed',
  'created_at',
] as const;

interface Row {
  id: string;
  name: string;
  phone: string | null;
  country: string | null;
  email: string | null;
  tags: string[];
  owner: string | null;
  owner_email: string | null;
  team: string | null;
  consent_sms: boolean;
  consent_source: string | null;
  consent_at: Date | null;
  opt_out_sms: boolean;
  opt_out_at: Date | null;
  opt_out_listed: boolean;
  created_at: Date;
}

/** A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with ' (OWASP CSV injection). */
export function spreadsheetSafe(value: string | null): string {
  if (!value) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export async function exportContactsPage(db: Database, actor: Actor, input: z.output<typeof exportContactsInput>) {
  const scope = await contactReadScope(db, actor);
  const where = contactScopeSql(scope, 'c', 4);
  const rows = await db.query<Row>(
    `select c.id, c.name, c.phone, c.country, c.email, c.tags, u.name as owner, u.email as owner_email, t.name as team,
            c.consent_sms, c.consent_source, c.consent_at, c.opt_out_sms, c.opt_out_at,
            exists (select 1 from sms_opt_outs o where o.organization_id = c.organization_id and o.phone = c.phone) as opt_out_listed, c.created_at
       from contacts c
       left join users u on u.id = c.owner_user_id
       left join teams t on t.organization_id = c.organization_id and t.id = c.team_id
      where c.organization_id = $1::uuid and ($2::uuid is null or c.id > $2::uuid) and ${where.sql}
      order by c.id limit $3`,
    [actor.organizationId, input.after ?? null, EXPORT_PAGE_ROWS, ...where.params],
  );
  const csv = await toCsv(rows, !input.after);
  if (!input.after) {
    await recordAuditEvent(db.prisma, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'contacts.export', targetType: 'contacts', targetId: actor.organizationId, after: { scope: scope.all ? 'all' : 'own_and_teams' } });
  }
  return { csv, rows: rows.length, nextCursor: rows.length === EXPORT_PAGE_ROWS ? rows.at(-1)!.id : null };
}

function toCsv(rows: Row[], header: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: string[] = [];
    const out = stringify({ header, columns: [...CONTACT_EXPORT_COLUMNS], cast: { boolean: (b) => (b ? 'yes' : 'no'), date: (d) => d.toISOString() } });
    out.on('data', (chunk: Buffer | string) => chunks.push(chunk.toString()));
    out.on('error', reject);
    out.on('end', () => resolve(chunks.join('')));
    for (const r of rows) {
      out.write({
        ...r,
        name: spreadsheetSafe(r.name),
        email: spreadsheetSafe(r.email),
        tags: spreadsheetSafe(r.tags.join('; ')),
        owner: spreadsheetSafe(r.owner),
        owner_email: spreadsheetSafe(r.owner_email),
        team: spreadsheetSafe(r.team),
      });
    }
    out.end();
  });
}
