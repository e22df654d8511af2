// Imports on the shared PostgreSQL: a 10,000-row file in the console's uploads, and two overlapping
// files imported at the same time by two people — every number ends as one contact with both files'
// tags, no deadlock, no lost opt-out, and contacts_created counts each contact once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { postgresAvailable, type TestDatabaseTarget } from '../helpers/databases';
import { createPostgresDatabase } from '../helpers/databases';
import { startTestApp, type MemoryCarrier, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { MAX_IMPORT_CHUNK_ROWS } from '../../server/contacts/contact-rules';
import { parseContactCsv } from '../../server/contacts/parse-contact-csv';
import { contactPhone, contactsCsv } from './contact-fixtures';

const postgres: TestDatabaseTarget = { name: 'postgres', create: createPostgresDatabase };

describe.skipIf(!postgresAvailable)('contact imports on PostgreSQL', () => {
  let t: TestApp;
  let a: Tenant;
  beforeAll(async () => {
    t = await startTestApp(postgres);
    a = await seedTenant(t.app, 'acme');
    await t.app.services.db.prisma.organization.update({ where: { id: a.organizationId }, data: { billingCountry: 'US' } });
    // Imports past the free plan's contacts quota (server/contacts/record-contacts-created.ts).
    await t.app.services.db.prisma.quotaOverride.create({
      data: { organizationId: a.organizationId, metric: 'contacts_created', limit: null, startsAt: new Date(t.clock.now().getTime() - 86_400_000), endsAt: new Date(t.clock.now().getTime() + 90 * 86_400_000), reason: 'test' },
    });
  });
  afterAll(() => t?.close());

  const importFile = async (carrier: MemoryCarrier, csv: string, fileName: string) => {
    const api = await t.app.createCaller(carrier);
    const { rows } = parseContactCsv(csv);
    const importId = randomUUID();
    const totals = { created: 0, updated: 0, errors: 0 };
    for (let i = 0; i < rows.length; i += MAX_IMPORT_CHUNK_ROWS) {
      const r = await api.contacts.importRows({ importId, fileName, rows: rows.slice(i, i + MAX_IMPORT_CHUNK_ROWS) });
      totals.created += r.created;
      totals.updated += r.updated;
      totals.errors += r.errors.length;
    }
    return totals;
  };
  const count = async (sql: string, params: unknown[]) => Number((await t.app.services.db.query<{ n: string }>(sql, params))[0]!.n);

  it('imports 10,000 rows with duplicates merged and usage counted once per contact', async () => {
    const started = performance.now();
    const result = await importFile(a.people.admin.carrier, contactsCsv(10_000, { duplicateEvery: 100 }), 'ten-thousand.csv');
    const seconds = (performance.now() - started) / 1000;
    expect(result.errors).toBe(0);
    const contacts = await count('select count(*) as n from contacts where organization_id = $1', [a.organizationId]);
    expect(contacts).toBe(10_000 - 99);
    expect(result.created).toBe(contacts);
    expect(await count(`select sum(quantity) as n from usage_events where organization_id = $1 and metric = 'contacts_created'`, [a.organizationId])).toBe(contacts);
    // Consent where the file said yes; history for each.
    expect(await count(`select count(*) as n from contact_consent_events where organization_id = $1 and change = 'consent_granted' and source = 'import'`, [a.organizationId])).toBe(
      await count('select count(*) as n from contacts where organization_id = $1 and consent_sms', [a.organizationId]),
    );
    console.log(JSON.stringify({ figure: 'contacts_import_10k_test', seconds: +seconds.toFixed(2) }));
  });

  it('two overlapping files imported at once by two people end consistent', async () => {
    // Numbers 20,000–25,999 and 23,000–28,999 overlap on 3,000; one of the overlap is opted out first.
    const admin = await t.app.createCaller(a.people.admin.carrier);
    const { contact } = await admin.contacts.create({ name: 'Opted out', phone: contactPhone(23_500) });
    await admin.contacts.changeConsent({ id: contact.id, action: 'opt_out' });
    const fileA = contactsCsv(6_000, { offset: 20_000, tag: 'file a' });
    const fileB = contactsCsv(6_000, { offset: 23_000, tag: 'file b' });
    const [ra, rb] = await Promise.all([importFile(a.people.admin.carrier, fileA, 'a.csv'), importFile(a.people.owner.carrier, fileB, 'b.csv')]);
    expect(ra.errors + rb.errors).toBe(0);
    expect(ra.created + rb.created).toBe(9_000 - 1);
    expect(ra.created + ra.updated + rb.created + rb.updated).toBe(12_000);
    const phones = Array.from({ length: 9_000 }, (_, i) => contactPhone(20_000 + i).replace(/ /g, ''));
    const rows = await t.app.services.db.query<{ phone: string; tags: string[]; opt_out_sms: boolean }>('select phone, tags, opt_out_sms from contacts where organization_id = $1 and phone = any($2::text[])', [
      a.organizationId,
      phones,
    ]);
    expect(rows).toHaveLength(9_000);
    const byPhone = new Map(rows.map((r) => [r.phone, r]));
    for (let i = 0; i < 9_000; i++) {
      const row = byPhone.get(phones[i]!)!;
      const n = 20_000 + i;
      if (n < 26_000) expect(row.tags, phones[i]).toContain('file a');
      if (n >= 23_000) expect(row.tags, phones[i]).toContain('file b');
    }
    expect(byPhone.get(contactPhone(23_500).replace(/ /g, ''))!.opt_out_sms).toBe(true);
    expect(await count(`select sum(quantity) as n from usage_events where organization_id = $1 and metric = 'contacts_created'`, [a.organizationId])).toBe(
      await count('select count(*) as n from contacts where organization_id = $1', [a.organizationId]),
    );
  });
});
