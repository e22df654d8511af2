// The month-partitioned usage ledger: events land in their month's partition, idempotency keys are
// exact across months (also under concurrency), and retention archives a whole month to a gzip CSV
// whose rows are the partition's, then drops the partition while the daily rollups stay.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { archiveExpiredUsageMonths } from '../../server/ledger/archive-expired-usage-months';
import { ensureUsagePartitions, listUsagePartitions } from '../../server/ledger/ensure-usage-partitions';
import { DEFAULT_USAGE_RETENTION_MONTHS } from '../../server/ledger/usage-retention';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { expectCountersMatchLedger } from '../helpers/usage-invariants';

describe.each(databaseTargets)('month-partitioned usage ledger on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const db = () => t.app.services.db;
  const archiveDir = () => join(t.dataDir, 'archive', 'usage-events');
  const partitionOf = async (org: string, key: string) =>
    (await db().query<{ p: string }>(`select tableoid::regclass::text as p from usage_events where organization_id = $1 and idempotency_key = $2`, [org, key])).map((r) => r.p);

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, `ledger-a-${target.name}`);
    b = await seedTenant(t.app, `ledger-b-${target.name}`);
    for (const org of [a, b]) await db().prisma.subscription.create({ data: { organizationId: org.organizationId, planKey: 'growth' } });
  });
  afterAll(() => t?.close());

  it('is a partitioned table with a default partition, and months are created ahead', async () => {
    const [kind] = await db().query<{ strategy: string }>(`select partstrat as strategy from pg_partitioned_table where partrelid = 'usage_events'::regclass`);
    expect(kind?.strategy).toBe('r');
    expect((await db().query<{ p: string | null }>(`select to_regclass('usage_events_default')::text as p`))[0]?.p).toBe('usage_events_default');
    t.clock.set(new Date('2027-05-20T10:00:00Z'));
    await ensureUsagePartitions(db(), t.clock);
    expect((await listUsagePartitions(db())).map((p) => p.month)).toEqual(expect.arrayContaining(['2027-05-01', '2027-06-01', '2027-07-01']));
    // Again: nothing new, nothing fails (the job runs in every process).
    expect(await ensureUsagePartitions(db(), t.clock)).toEqual([]);
  });

  it('refuses a key seen in another month as a duplicate, and writes nothing for it', async () => {
    t.clock.set(new Date('2027-06-01T00:30:00Z'));
    const org = a.organizationId;
    const first = await recordUsageEvents(db(), org, [{ metric: 'sms_sent', quantity: 3, idempotencyKey: 'edge-1', occurredAt: '2027-05-31T23:59:59.999Z' }], t.clock);
    expect(first[0]?.status).toBe('accepted');
    const again = await recordUsageEvents(db(), org, [{ metric: 'sms_sent', quantity: 5, idempotencyKey: 'edge-1', occurredAt: '2027-06-01T00:00:00Z' }], t.clock);
    expect(again[0]?.status).toBe('duplicate');
    expect(await partitionOf(org, 'edge-1')).toEqual(['usage_events_p202705']);
    // Another organization may use the same key.
    const other = await recordUsageEvents(db(), b.organizationId, [{ metric: 'sms_sent', quantity: 1, idempotencyKey: 'edge-1', occurredAt: '2027-06-01T00:00:00Z' }], t.clock);
    expect(other[0]?.status).toBe('accepted');
    expect(await partitionOf(b.organizationId, 'edge-1')).toEqual(['usage_events_p202706']);
    await expectCountersMatchLedger(db());
  });

  it('accepts a key once when batches in two months race for it', async () => {
    t.clock.set(new Date('2027-06-01T00:30:00Z'));
    const org = a.organizationId;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        recordUsageEvents(db(), org, [{ metric: 'emails_sent', quantity: 1, idempotencyKey: 'race-1', occurredAt: i % 2 ? '2027-05-31T23:00:00Z' : '2027-06-01T00:10:00Z' }], t.clock),
      ),
    );
    expect(results.flat().filter((r) => r.status === 'accepted')).toHaveLength(1);
    const [rows] = await db().query<{ n: string; keys: string }>(
      `select (select count(*) from usage_events where organization_id = $1 and idempotency_key = 'race-1')::text as n,
              (select count(*) from usage_event_keys where organization_id = $1 and idempotency_key = 'race-1')::text as keys`,
      [org],
    );
    expect(rows).toEqual({ n: '1', keys: '1' });
    await expectCountersMatchLedger(db());
  });

  it('retention: only a platform admin sets it, within bounds, audited', async () => {
    t.clock.set(new Date('2026-11-02T09:00:00Z')); // the fixtures' sessions were signed in then
    const staff = a.people.admin;
    const tenantAdmin = await t.app.createCaller(a.people.owner.carrier);
    await refused(tenantAdmin.platform.setUsageRetention({ months: 12 }), 'FORBIDDEN');
    await db().prisma.user.update({ where: { id: staff.userId }, data: { platformRole: 'super_admin' } });
    const superAdmin = await t.app.createCaller(staff.carrier);
    expect(await superAdmin.platform.usageRetention()).toEqual({ months: DEFAULT_USAGE_RETENTION_MONTHS });
    await refused(superAdmin.platform.setUsageRetention({ months: 1 }), 'BAD_REQUEST');
    await refused(superAdmin.platform.setUsageRetention({ months: 2.5 }), 'BAD_REQUEST');
    await refused(superAdmin.platform.setUsageRetention({ months: '3' as unknown as number }), 'BAD_REQUEST');
    expect(await db().prisma.platformSetting.findUnique({ where: { key: 'usage_retention_months' } })).toBeNull();
    expect(await superAdmin.platform.setUsageRetention({ months: 2 })).toEqual({ months: 2 });
    expect(await db().prisma.platformAuditEvent.count({ where: { action: 'platform.usage_retention' } })).toBe(1);
  });

  it('archives a month past retention to a file with its rows, drops its partition, keeps the rollups', async () => {
    const org = a.organizationId;
    // March 2027 has no partition yet (its events go to the default one); April 2027 will get one.
    const march = Array.from({ length: 130 }, (_, i) => ({
      metric: i % 2 ? 'sms_sent' : 'ai_tokens',
      quantity: 1 + (i % 7),
      idempotencyKey: `m-${i}`,
      occurredAt: `2027-03-${String(1 + (i % 31)).padStart(2, '0')}T12:00:00Z`,
      user: i % 3 ? a.people.member.userId : undefined,
      team: i % 3 ? a.managedTeamId : undefined,
      costMicros: 100 + i,
      metadata: { n: i, note: 'quote " and, comma' },
    }));
    t.clock.set(new Date('2027-04-02T09:00:00Z'));
    expect((await recordUsageEvents(db(), org, march, t.clock)).every((r) => r.status === 'accepted')).toBe(true);
    expect((await recordUsageEvents(db(), b.organizationId, [{ metric: 'sms_sent', quantity: 2, idempotencyKey: 'b-march', occurredAt: '2027-03-31T23:59:59.999Z' }], t.clock))[0]?.status).toBe('accepted');
    expect((await recordUsageEvents(db(), org, [{ metric: 'sms_sent', quantity: 4, idempotencyKey: 'april-1', occurredAt: '2027-04-01T00:00:00Z' }], t.clock))[0]?.status).toBe('accepted');
    expect(await partitionOf(org, 'm-0')).toEqual(['usage_events_default']);

    const ledger = await db().query<Record<string, string>>(
      `select organization_id::text, id::text, quantity::text, idempotency_key, coalesce(metadata::text, '') as metadata from usage_events
        where occurred_at >= '2027-03-01T00:00:00Z' and occurred_at < '2027-04-01T00:00:00Z' order by organization_id, occurred_at, id`,
    );
    expect(ledger).toHaveLength(131);
    const rollupsSql = `select scope::text, scope_id::text, metric, to_char(day, 'YYYY-MM-DD') as day, quantity::text, cost_micros::text from usage_daily_rollups
                         where day >= '2027-03-01' and day < '2027-04-01' order by 1, 2, 3, 4`;
    const rollupsBefore = await db().query(rollupsSql);
    expect(rollupsBefore.length).toBeGreaterThan(0);

    // Retention 2 months: on 2027-05-20 the first month kept is March (it holds 2027-03-20). Only
    // older months go: the empty ones created with the database, each as a file of no rows.
    t.clock.set(new Date('2027-05-20T10:00:00Z'));
    const older = await archiveExpiredUsageMonths({ db: db(), clock: t.clock, dir: archiveDir() });
    expect(older.every((m) => m.month < '2027-03-01' && m.rows === 0)).toBe(true);
    // On 2027-06-01 March is wholly past retention; April is not.
    t.clock.set(new Date('2027-06-01T00:30:00Z'));
    const archived = await archiveExpiredUsageMonths({ db: db(), clock: t.clock, dir: archiveDir(), pageSize: 50 });
    expect(archived.map((m) => [m.month, m.rows])).toEqual([['2027-03-01', 131]]);
    const marchArchive = archived.find((m) => m.month === '2027-03-01')!;

    const file = await readFile(join(archiveDir(), marchArchive.fileName));
    expect(createHash('sha256').update(file).digest('hex')).toBe(marchArchive.sha256);
    const rows = parse(gunzipSync(file), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => ({ organization_id: r.organization_id, id: r.id, quantity: r.quantity, idempotency_key: r.idempotency_key, metadata: r.metadata }))).toEqual(ledger);
    const [record] = await db().query<{ rows: string; sha256: string; file_name: string }>(`select rows::text, sha256, file_name from usage_event_archives where month = '2027-03-01'`);
    expect(record).toEqual({ rows: '131', sha256: marchArchive.sha256, file_name: 'usage-events-2027-03.csv.gz' });

    // The partition and the month's events and keys are gone; April, the rollups and other keys stay.
    expect((await db().query<{ p: string | null }>(`select to_regclass('usage_events_p202703')::text as p`))[0]?.p).toBeNull();
    const [left] = await db().query<{ events: string; keys: string; april: string; edge: string }>(
      `select (select count(*) from usage_events where occurred_at < '2027-04-01T00:00:00Z' and occurred_at >= '2027-03-01T00:00:00Z')::text as events,
              (select count(*) from usage_event_keys where occurred_at < '2027-04-01T00:00:00Z' and occurred_at >= '2027-03-01T00:00:00Z')::text as keys,
              (select count(*) from usage_events where idempotency_key = 'april-1')::text as april,
              (select count(*) from usage_event_keys where idempotency_key = 'edge-1')::text as edge`,
    );
    expect(left).toEqual({ events: '0', keys: '0', april: '1', edge: '2' });
    expect(await db().query(rollupsSql)).toEqual(rollupsBefore);
    // A second run finds nothing more to do.
    expect(await archiveExpiredUsageMonths({ db: db(), clock: t.clock, dir: archiveDir() })).toEqual([]);
  });
});
