// Contacts gaps of issue 10: the contacts quota (contacts_created reserved like every metric, rows
// past the cap reported one by one), a phone change in the consent history, and the CSV export of
// the contacts a user may see (manager scope respected), with its attacker tests.
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PAGE_ROWS } from '../../server/contacts/export-contacts';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { startTestApp, type MemoryCarrier, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';

describe.each(databaseTargets)('contacts gaps on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const as = (carrier: MemoryCarrier) => t.app.createCaller(carrier);
  const prisma = () => t.app.services.db.prisma;
  const counters = async (orgId: string) =>
    Object.fromEntries(
      (await t.app.services.db.query<{ scope: string; used: string; reserved: string }>(`select scope, used, reserved from usage_counters where organization_id = $1 and metric = 'contacts_created'`, [orgId])).map((r) => [
        r.scope,
        { used: Number(r.used), reserved: Number(r.reserved) },
      ]),
    );

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, 'quota');
    b = await seedTenant(t.app, 'other');
    await prisma().organization.update({ where: { id: a.organizationId }, data: { billingCountry: 'US' } });
  });
  afterAll(() => t?.close());

  it('caps contacts_created: an import creates up to the quota and reports each row over it; a create past it is refused', async () => {
    await prisma().quotaOverride.create({
      data: { organizationId: a.organizationId, metric: 'contacts_created', limit: 5n, startsAt: new Date(t.clock.now().getTime() - 86_400_000), endsAt: new Date(t.clock.now().getTime() + 86_400_000), reason: 'test cap' },
    });
    const admin = await as(a.people.admin.carrier);
    const rows = Array.from({ length: 8 }, (_, i) => ({ line: i + 2, phone: `+1415555${String(300 + i).padStart(4, '0')}`, name: `Row ${i}` }));
    const first = await admin.contacts.importRows({ importId: randomUUID(), fileName: 'big.csv', rows });
    expect(first.created).toBe(5);
    expect(first.errors.map((e) => e.line)).toEqual([7, 8, 9]);
    expect(first.errors[0]!.errors[0]).toMatch(/Not imported\. Over the contacts quota: .*monthly quota for contacts_created \(5\)/);
    expect(await prisma().contact.count({ where: { organizationId: a.organizationId } })).toBe(5);
    expect((await counters(a.organizationId)).organization).toEqual({ used: 5, reserved: 0 });

    // The same file again: the five are updates (no quota), the three still over the cap.
    const again = await admin.contacts.importRows({ importId: randomUUID(), fileName: 'big.csv', rows });
    expect(again).toMatchObject({ created: 0, updated: 5 });
    expect(again.errors.map((e) => e.line)).toEqual([7, 8, 9]);

    const contactsBefore = await prisma().contact.count({ where: { organizationId: a.organizationId } });
    await refused(admin.contacts.create({ name: 'One too many', phone: '+14155559999' }), 'PRECONDITION_FAILED', /Not created\. Over the contacts quota/);
    expect(await prisma().contact.count({ where: { organizationId: a.organizationId } })).toBe(contactsBefore);
    expect((await counters(a.organizationId)).organization).toEqual({ used: 5, reserved: 0 });
    // Usage events: one per creation, 5 in all.
    const [usage] = await t.app.services.db.query<{ n: string }>(`select sum(quantity) as n from usage_events where organization_id = $1 and metric = 'contacts_created'`, [a.organizationId]);
    expect(Number(usage!.n)).toBe(5);
    await prisma().quotaOverride.deleteMany({ where: { organizationId: a.organizationId } });
  });

  it('concurrent imports never create past the cap', async () => {
    if (target.name !== 'postgres') return;
    await prisma().quotaOverride.create({
      data: { organizationId: b.organizationId, metric: 'contacts_created', limit: 10n, startsAt: new Date(t.clock.now().getTime() - 86_400_000), endsAt: new Date(t.clock.now().getTime() + 86_400_000), reason: 'test cap' },
    });
    const results = await Promise.all(
      [0, 1, 2, 3].map(async (k) => {
        const api = await as(b.people.admin.carrier);
        const rows = Array.from({ length: 6 }, (_, i) => ({ line: i + 2, phone: `+1415555${String(500 + k * 10 + i).padStart(4, '0')}` }));
        return api.contacts.importRows({ importId: randomUUID(), fileName: `part${k}.csv`, rows });
      }),
    );
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(10);
    expect(results.reduce((n, r) => n + r.errors.length, 0)).toBe(14);
    expect(await prisma().contact.count({ where: { organizationId: b.organizationId } })).toBe(10);
    expect((await counters(b.organizationId)).organization).toEqual({ used: 10, reserved: 0 });
    await prisma().quotaOverride.deleteMany({ where: { organizationId: b.organizationId } });
  });

  it('a phone change is in the consent history of both numbers, with source and actor', async () => {
    const manager = await as(a.people.manager.carrier);
    const { contact } = await manager.contacts.create({ name: 'Mover', phone: '+14155550401', consent: { source: 'paper_form' } });
    const result = await manager.contacts.update({ id: contact.id, phone: '+14155550402' });
    expect(result.consentReset).toBe(true);
    const events = await prisma().contactConsentEvent.findMany({ where: { organizationId: a.organizationId, contactId: contact.id }, orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] });
    expect(events.map((e) => [e.phone, e.change, e.source, e.actorUserId])).toEqual([
      ['+14155550401', 'consent_granted', 'paper_form', a.people.manager.userId],
      ['+14155550401', 'phone_changed', 'manual', a.people.manager.userId],
      ['+14155550402', 'phone_changed', 'manual', a.people.manager.userId],
    ]);
    expect(events[1]!.detail).toMatch(/SMS consent given for it no longer applies/);
    // The drawer's history (by the current number) shows the change.
    const detail = await manager.contacts.get({ id: contact.id });
    expect(detail.history.map((h) => h.change)).toEqual(['phone_changed']);
    expect(detail.contact).toMatchObject({ consentSms: false, phone: '+14155550402' });
    // No change of number, no history row.
    await manager.contacts.update({ id: contact.id, name: 'Still here', phone: '+1 415 555 0402' });
    expect(await prisma().contactConsentEvent.count({ where: { organizationId: a.organizationId, contactId: contact.id } })).toBe(3);
  });

  describe('export', () => {
    const exportAll = async (carrier: MemoryCarrier) => {
      const api = await as(carrier);
      const parts: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await api.contacts.exportCsv(after ? { after } : {});
        parts.push(page.csv);
        pages++;
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      return { records: parse(parts.join(''), { columns: true }) as Record<string, string>[], pages };
    };

    beforeAll(async () => {
      const owner = await as(b.people.owner.carrier);
      await prisma().organization.update({ where: { id: b.organizationId }, data: { contactSharing: 'personal' } });
      await owner.contacts.create({ name: '=HYPERLINK("http://evil.test")', phone: '+14155550601', email: 'owner@b.test', tags: ['vip'], consent: { source: 'web_form' } });
      await (await as(b.people.member.carrier)).contacts.create({ name: 'Member’s', phone: '+14155550602' });
      await (await as(b.people.outsideMember.carrier)).contacts.create({ name: 'Outsider’s', phone: '+14155550603' });
      await prisma().smsOptOut.create({ data: { organizationId: b.organizationId, phone: '+14155550603', source: 'keyword' } });
    });

    it('exports what each role sees, with consent fields, safe for spreadsheets', async () => {
      const all = await exportAll(b.people.admin.carrier);
      const names = all.records.map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(['\'=HYPERLINK("http://evil.test")', 'Member’s', 'Outsider’s']));
      const first = all.records.find((r) => r.phone === '+14155550601')!;
      expect(first).toMatchObject({ email: 'owner@b.test', tags: 'vip', consent_sms: 'yes', consent_source: 'web_form', opt_out_sms: 'no', opt_out_listed: 'no', owner_email: b.people.owner.email });
      expect(new Date(first.consent_at!).getTime()).toBeGreaterThan(0);
      expect(all.records.find((r) => r.phone === '+14155550603')).toMatchObject({ opt_out_listed: 'yes' });
      // Personal sharing: the manager sees their team's contacts (the member's), not the outsider's; a member only their own.
      expect((await exportAll(b.people.manager.carrier)).records.map((r) => r.name)).toEqual(['Member’s']);
      expect((await exportAll(b.people.outsideMember.carrier)).records.map((r) => r.name)).toEqual(['Outsider’s']);
      // Nothing of A, ever.
      expect(JSON.stringify(all.records)).not.toContain('+14155550401');
      const audit = await prisma().auditEvent.count({ where: { organizationId: b.organizationId, action: 'contacts.export' } });
      expect(audit).toBe(3);
    });

    it('pages through more than one page without losing or repeating a contact', async () => {
      const had = await prisma().contact.count({ where: { organizationId: b.organizationId } });
      await t.app.services.db.query(
        `insert into contacts (organization_id, id, owner_user_id, name, phone, country, tags, updated_at)
         select $1, gen_random_uuid(), $2, 'Bulk ' || i, '+1212555' || lpad(i::text, 4, '0'), 'US', '{}', now() from generate_series(1, $3::int) i`,
        [b.organizationId, b.people.admin.userId, EXPORT_PAGE_ROWS + 1],
      );
      const all = await exportAll(b.people.admin.carrier);
      expect(all.pages).toBe(2);
      expect(all.records).toHaveLength(had + EXPORT_PAGE_ROWS + 1);
      expect(new Set(all.records.map((r) => r.phone)).size).toBe(had + EXPORT_PAGE_ROWS + 1);
    });

    it('refuses guests, hostile cursors and other tenants’ cursors, writing nothing', async () => {
      const before = await databaseFingerprint(t.app);
      await refused((await as(b.people.guest.carrier)).contacts.exportCsv({}), 'FORBIDDEN');
      const admin = await as(b.people.admin.carrier);
      await refused(admin.contacts.exportCsv({ after: 'not-a-uuid\u0000' }), 'BAD_REQUEST');
      let nested: unknown = 'x';
      for (let i = 0; i < 200; i++) nested = { after: nested };
      await refused(admin.contacts.exportCsv(nested as { after?: string }), 'BAD_REQUEST');
      await refused(admin.contacts.exportCsv({ after: 'a'.repeat(100_000) }), 'BAD_REQUEST');
      expect(await databaseFingerprint(t.app)).toEqual(before);
      // A's contact id as a cursor only moves where B's own list starts: it never reads A's rows.
      const aContact = await prisma().contact.findFirstOrThrow({ where: { organizationId: a.organizationId } });
      const page = await admin.contacts.exportCsv({ after: '00000000-0000-0000-0000-000000000000' });
      const fromA = await admin.contacts.exportCsv({ after: aContact.id });
      expect(fromA.csv).not.toContain(aContact.phone!);
      expect(page.csv).not.toContain(aContact.phone!);
    });
  });
});
