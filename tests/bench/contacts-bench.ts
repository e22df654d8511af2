// Contacts CSV import benchmark against PostgreSQL (DATABASE_URL, default the local server): a
// 100,000-row file (2% duplicate lines) imported as the console does it — uploads of 2,000 rows, two
// in flight, each checked row by row and written by importContacts (batched upsert, consent
// history, contacts_created usage, audit) — then the same file again (every row an update), beside
// a raw baseline: the same rows as plain multi-row INSERTs of 2,000 through pg.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { importContacts, importContactsInput } from '../../server/contacts/import-contacts';
import { IMPORT_UPLOADS_IN_FLIGHT as UPLOADS_IN_FLIGHT, MAX_IMPORT_CHUNK_ROWS } from '../../server/contacts/contact-rules';
import { parseContactCsv } from '../../server/contacts/parse-contact-csv';
import { contactsCsv } from '../contacts/contact-fixtures';

const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_CONTACT_ROWS ?? 100_000);
const emit = (figure: Record<string, unknown>) => console.log(JSON.stringify(figure));

const dbName = `meterdesk_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
try {
  const db = await openDatabase({ databaseUrl: url });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const org = await db.prisma.organization.create({ data: { slug: 'bench', name: 'Bench', billingCountry: 'US' } });
  const raw = await db.prisma.organization.create({ data: { slug: 'bench-raw', name: 'Bench raw' } });
  const user = await db.prisma.user.create({ data: { email: 'owner@bench.test', name: 'Owner' } });
  await db.prisma.membership.create({ data: { organizationId: org.id, userId: user.id, role: 'owner' } });
  const actor = { organizationId: org.id, userId: user.id, role: 'owner' as const };
  // 100,000 new contacts: past every plan's contacts quota, so the bench's organization has none.
  await db.prisma.quotaOverride.create({ data: { organizationId: org.id, metric: 'contacts_created', limit: null, startsAt: new Date(Date.now() - 86_400_000), endsAt: new Date(Date.now() + 86_400_000), reason: 'bench' } });

  const csv = contactsCsv(ROWS, { duplicateEvery: 50 });
  let started = performance.now();
  const { rows } = parseContactCsv(csv);
  const parseSeconds = (performance.now() - started) / 1000;

  const importOnce = async (fileName: string) => {
    const importId = randomUUID();
    const totals = { created: 0, updated: 0, duplicates: 0, errors: 0 };
    const t0 = performance.now();
    // Two uploads in flight, as the console sends them: one is checked in Node while the other writes.
    const starts = Array.from({ length: Math.ceil(rows.length / MAX_IMPORT_CHUNK_ROWS) }, (_, k) => k * MAX_IMPORT_CHUNK_ROWS);
    let next = 0;
    await Promise.all(
      Array.from({ length: UPLOADS_IN_FLIGHT }, async () => {
        while (next < starts.length) {
          const i = starts[next++]!;
          // The router's input check is part of the cost.
          const input = importContactsInput.parse({ importId, fileName, rows: rows.slice(i, i + MAX_IMPORT_CHUNK_ROWS) });
          const r = await importContacts(db, actor, input, systemClock);
          totals.created += r.created;
          totals.updated += r.updated;
          totals.duplicates += r.duplicates;
          totals.errors += r.errors.length;
        }
      }),
    );
    return { seconds: (performance.now() - t0) / 1000, ...totals };
  };
  const first = await importOnce('bench.csv');
  const second = await importOnce('bench-again.csv');

  // Baseline: the same rows, already normalised, inserted with no checks, merge, history or usage.
  const checked = rows.map((r, i) => [raw.id, randomUUID(), user.id, `Person ${i}`, `+1${r.phone!.replace(/\D/g, '').slice(1)}-${i}`, 'US', r.email ?? null, `{${(r.tags ?? '').split(',').map((t) => JSON.stringify(t.trim())).join(',')}}`]);
  started = performance.now();
  for (let i = 0; i < checked.length; i += MAX_IMPORT_CHUNK_ROWS) {
    const chunk = checked.slice(i, i + MAX_IMPORT_CHUNK_ROWS);
    const values = chunk.map((_, r) => `($${r * 8 + 1}, $${r * 8 + 2}, $${r * 8 + 3}, $${r * 8 + 4}, $${r * 8 + 5}, $${r * 8 + 6}, $${r * 8 + 7}, $${r * 8 + 8}, now())`).join(',');
    await pool.query(`insert into contacts (organization_id, id, owner_user_id, name, phone, country, email, tags, updated_at) values ${values}`, chunk.flat());
  }
  const baselineSeconds = (performance.now() - started) / 1000;
  const baselineRate = ROWS / baselineSeconds;

  const contacts = await db.prisma.contact.count({ where: { organizationId: org.id } });
  const usage = await db.query<{ n: string }>(`select coalesce(sum(quantity), 0) as n from usage_events where organization_id = $1 and metric = 'contacts_created'`, [org.id]);
  if (first.errors > 0 || contacts !== first.created || Number(usage[0]!.n) !== contacts) {
    throw new Error(`inconsistent import: ${JSON.stringify({ first, contacts, usage: usage[0] })}`);
  }
  emit({ figure: 'contacts_csv_parse', rows: ROWS, seconds: +parseSeconds.toFixed(2), rows_per_second: Math.round(ROWS / parseSeconds) });
  for (const [figure, run] of [['contacts_import_new', first], ['contacts_import_merge', second]] as const) {
    const rate = ROWS / run.seconds;
    emit({
      figure,
      rows: ROWS,
      created: run.created,
      updated: run.updated,
      duplicates_merged: run.duplicates,
      seconds: +run.seconds.toFixed(2),
      rows_per_second: Math.round(rate),
      baseline_rows_per_second: Math.round(baselineRate),
      baseline_seconds: +baselineSeconds.toFixed(2),
      ratio: +(rate / baselineRate).toFixed(3),
      target: '100,000 rows well under 30 s',
    });
  }
  await pool.end();
  await db.close();
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
process.exit(0);
