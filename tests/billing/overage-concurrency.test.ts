// Overage batching and reporting from several workers at once on a shared PostgreSQL, each with its
// own connection pool (as separate servers would be): batches never overlap, and every outbox row
// reaches the stand-in's meter exactly once — not merely deduplicated there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueOverage } from '../../server/billing/enqueue-overage';
import { reportOverage } from '../../server/billing/report-overage';
import { openDatabase, type Database } from '../../server/db/open-database';
import type { MetricKey } from '../../server/metering/metrics';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { reserveUsage, reserveUsageInput } from '../../server/metering/reserve-usage';
import { commitReservation } from '../../server/metering/settle-reservation';
import { meterTotal } from '../stand-ins/stripe/resources/meter-events';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';
import { TestClock } from '../helpers/test-app';
import { withStandIn, type StandInContext } from './stripe-helpers';

const METRICS: [MetricKey, number][] = [
  ['sms_sent', 5000],
  ['emails_sent', 50_000],
  ['ai_queries', 20_000],
];
const NOW = { minBatchIntervalMs: 0 };

describe.runIf(postgresAvailable)('overage under concurrency (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let workers: Database[];
  let s: StandInContext;
  const clock = new TestClock();
  const orgs: { id: string; customerId: string }[] = [];
  let seq = 0;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    workers = [await openDatabase({ databaseUrl: database.url! }), await openDatabase({ databaseUrl: database.url! })];
    s = await withStandIn();
    s.standIn.store.now = () => Math.floor(clock.now().getTime() / 1000);
    await s.provider.syncCatalog();
    for (let i = 0; i < 6; i++) {
      const org = await workers[0]!.prisma.organization.create({ data: { slug: `busy${i}`, name: `Busy ${i}` } });
      const { customerId } = await s.provider.createCustomer({ organizationId: org.id, name: org.name, email: null });
      await workers[0]!.prisma.subscription.create({ data: { organizationId: org.id, planKey: 'pro', provider: 'stripe', providerCustomerId: customerId } });
      orgs.push({ id: org.id, customerId });
    }
  });
  afterAll(async () => {
    await s?.close();
    for (const w of workers ?? []) await w.close();
    await database?.drop();
  });

  async function useEverywhere(extra: (orgIndex: number, metricIndex: number) => number, first: boolean) {
    const db = workers[0]!;
    for (const [o, org] of orgs.entries()) {
      for (const [m, [metric, included]] of METRICS.entries()) {
        // Half by reservation and commit, half by ingested events.
        const quantity = (first ? included : 0) + extra(o, m);
        if (m % 2 === 0) {
          const r = await reserveUsage(db, org.id, reserveUsageInput.parse({ metric, quantity }), clock);
          if (r.status !== 'reserved') throw new Error(JSON.stringify(r));
          await commitReservation(db, org.id, r.reservationId, {}, clock);
        } else {
          expect((await recordUsageEvents(db, org.id, [{ metric, quantity, idempotencyKey: `k${++seq}` }], clock))[0]!.status).toBe('accepted');
        }
      }
    }
  }

  const batchedTotals = async () =>
    Object.fromEntries(
      (await workers[0]!.query<{ organization_id: string; metric: string; total: string; n: string; batches: string }>(
        'select organization_id, metric, sum(quantity) as total, count(*) as n, max(batch) as batches from overage_reports group by organization_id, metric',
      )).map((r) => [`${r.organization_id}:${r.metric}`, { total: Number(r.total), n: Number(r.n), batches: Number(r.batches) }]),
    );

  it('workers batching at once never create overlapping batches', async () => {
    await useEverywhere((o, m) => 10 * (o + 1) + m, true);
    const made = (await Promise.all([0, 1, 0, 1].map((w) => enqueueOverage(workers[w]!, clock, NOW)))).flat();
    expect(made).toHaveLength(orgs.length * METRICS.length);
    let totals = await batchedTotals();
    for (const [o, org] of orgs.entries()) {
      for (const [m, [metric]] of METRICS.entries()) expect(totals[`${org.id}:${metric}`]).toEqual({ total: 10 * (o + 1) + m, n: 1, batches: 1 });
    }

    await useEverywhere(() => 7, false);
    clock.advance(60_000);
    expect((await Promise.all([1, 0, 1, 0].map((w) => enqueueOverage(workers[w]!, clock, NOW)))).flat()).toHaveLength(orgs.length * METRICS.length);
    totals = await batchedTotals();
    for (const [o, org] of orgs.entries()) {
      for (const [m, [metric]] of METRICS.entries()) expect(totals[`${org.id}:${metric}`]).toEqual({ total: 10 * (o + 1) + m + 7, n: 2, batches: 2 });
    }
  });

  it('reporters running at once send every row exactly once', async () => {
    const rows = orgs.length * METRICS.length * 2;
    const claimedBy: number[] = [0, 0, 0, 0];
    await Promise.all(
      [0, 1, 0, 1].map(async (w, i) => {
        for (;;) {
          const outcome = await reportOverage(workers[w]!, s.provider, clock, { limit: 2 });
          const n = outcome.sent + outcome.duplicates + outcome.retrying + outcome.waiting + outcome.failed;
          if (n === 0) return;
          claimedBy[i]! += n;
          expect(outcome).toMatchObject({ duplicates: 0, retrying: 0 });
        }
      }),
    );
    expect(claimedBy.reduce((a, b) => a + b, 0)).toBe(rows);
    expect(claimedBy.filter((n) => n > 0).length, 'the reporters shared the work').toBeGreaterThan(1);
    const meterCalls = s.standIn.requests.filter((r) => r.path === '/v1/billing/meter_events');
    expect(meterCalls).toHaveLength(rows);
    expect(meterCalls.every((r) => r.status === 200)).toBe(true);
    expect(await workers[0]!.query(`select 1 from overage_reports where status <> 'sent' or attempts <> 1`)).toEqual([]);
    for (const [o, org] of orgs.entries()) {
      for (const [m, [metric]] of METRICS.entries()) expect(meterTotal(s.standIn.store, `meterdesk_${metric}`, org.customerId)).toBe(10 * (o + 1) + m + 7);
    }
  });
});
