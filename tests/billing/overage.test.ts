// Overage to Stripe meters, end to end: real databases (PGlite and PostgreSQL), the metering
// engine's own reservations, commits and ingested events, and the real `stripe` client over HTTP to
// the stand-in. What the meter holds at the stand-in must equal the settled overage, every unit once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BillingProvider } from '../../server/billing/billing-provider';
import { enqueueOverage } from '../../server/billing/enqueue-overage';
import { getOverageStatus } from '../../server/billing/get-overage-status';
import { describeReportError, NO_CUSTOMER_REASON, REPORT_LEASE_MS, reportOverage, retryDelayMs } from '../../server/billing/report-overage';
import { backgroundJobs } from '../../server/jobs/registry';
import { grantCredits, grantCreditsInput } from '../../server/metering/grant-credits';
import type { MetricKey } from '../../server/metering/metrics';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { reserveUsage, reserveUsageInput } from '../../server/metering/reserve-usage';
import { commitReservation, releaseReservation } from '../../server/metering/settle-reservation';
import { meterTotal } from '../stand-ins/stripe/resources/meter-events';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { withStandIn, type StandInContext } from './stripe-helpers';

const PRO_SMS = 5000; // sms_sent included in Pro (plan catalog)
const NOW = { minBatchIntervalMs: 0 };

describe.each(databaseTargets)('overage to meters on $name', (target) => {
  let t: TestApp;
  let s: StandInContext;
  let seq = 0;

  beforeAll(async () => {
    t = await startTestApp(target);
    s = await withStandIn();
    // The stand-in's clock is the app's: its 35-day window and 24 h dedup follow the TestClock.
    s.standIn.store.now = () => Math.floor(t.clock.now().getTime() / 1000);
    await s.provider.syncCatalog();
  });
  afterAll(async () => {
    await s?.close();
    await t?.close();
  });
  // Each test works in its own organizations, with what earlier tests left in the outbox sent.
  beforeEach(async () => {
    t.clock.advance(REPORT_LEASE_MS + 60 * 60_000);
    await reportOverage(t.app.services.db, s.provider, t.clock);
  });

  async function tenant(plan: 'pro' | 'starter', options: { customer?: boolean } = {}): Promise<Tenant & { customerId: string | null }> {
    const slug = `org${++seq}${target.name}`;
    const tn = await seedTenant(t.app, slug);
    const customerId = options.customer === false ? null : (await s.provider.createCustomer({ organizationId: tn.organizationId, name: slug, email: null })).customerId;
    await t.app.services.db.prisma.subscription.create({
      data: { organizationId: tn.organizationId, planKey: plan, status: 'active', provider: customerId ? 'stripe' : null, providerCustomerId: customerId },
    });
    return { ...tn, customerId };
  }

  async function use(org: string, metric: MetricKey, quantity: number, how: 'commit' | 'release' | 'event' | { commit: number }) {
    const db = t.app.services.db;
    if (how === 'event') {
      const [result] = await recordUsageEvents(db, org, [{ metric, quantity, idempotencyKey: `ev-${++seq}` }], t.clock);
      expect(result!.status).toBe('accepted');
      return;
    }
    const reserved = await reserveUsage(db, org, reserveUsageInput.parse({ metric, quantity }), t.clock);
    if (reserved.status !== 'reserved') throw new Error(`not reserved: ${JSON.stringify(reserved)}`);
    if (how === 'release') expect((await releaseReservation(db, org, reserved.reservationId, t.clock)).status).toBe('released');
    else expect((await commitReservation(db, org, reserved.reservationId, { quantity: how === 'commit' ? quantity : how.commit }, t.clock)).status).toBe('committed');
  }

  const rows = (org: string) =>
    t.app.services.db.query<{ metric: string; batch: number; quantity: string; identifier: string; status: string; attempts: number; last_error: string | null; next_attempt_at: Date }>(
      'select * from overage_reports where organization_id = $1 order by metric, period_start, batch',
      [org],
    );
  const meterEvents = (customerId: string) => s.standIn.store.meterEvents.filter((e) => (e.payload as Record<string, string>).stripe_customer_id === customerId);
  const expectNoDuplicateIdentifiers = () => {
    const ids = s.standIn.store.meterEvents.map((e) => e.identifier);
    expect(new Set(ids).size).toBe(ids.length);
  };

  it('reports exactly the settled units past the quota — commits and ingested events, never pending or released', async () => {
    const a = await tenant('pro');
    const org = a.organizationId;
    await use(org, 'sms_sent', PRO_SMS - 10, 'commit');
    await use(org, 'sms_sent', 25, 'commit'); // 15 past the quota
    await use(org, 'sms_sent', 40, 'release'); // never sent: nothing to bill
    await use(org, 'sms_sent', 30, { commit: 12 }); // reserved 30, used 12
    await use(org, 'sms_sent', 8, 'event'); // ingested: billed when recorded
    const pending = await reserveUsage(t.app.services.db, org, reserveUsageInput.parse({ metric: 'sms_sent', quantity: 50 }), t.clock);
    expect(pending).toMatchObject({ status: 'reserved', overageQuantity: 50 }); // held, not settled: not billed
    await use(org, 'emails_sent', 100, 'event'); // within its quota
    await use(org, 'documents', 3000, 'event'); // past its quota but not a billable metric (no meter)

    expect(await enqueueOverage(t.app.services.db, t.clock, NOW)).toEqual([
      expect.objectContaining({ organizationId: org, metric: 'sms_sent', batch: 1, quantity: 15 + 12 + 8 }),
    ]);
    expect(await enqueueOverage(t.app.services.db, t.clock, NOW)).toEqual([]); // nothing new: no second batch

    const outcome = await reportOverage(t.app.services.db, s.provider, t.clock);
    expect(outcome).toMatchObject({ sent: 1, retrying: 0 });
    expect(meterTotal(s.standIn.store, 'meterdesk_sms_sent', a.customerId!)).toBe(35);
    const [row] = await rows(org);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(meterEvents(a.customerId!)[0]).toMatchObject({ identifier: `${org}:sms_sent:2026-11-01T00:00:00.000Z:1`, payload: { value: '35' } });

    // The held reservation is released: still 35. Then more is committed: one more batch, the difference.
    expect((await releaseReservation(t.app.services.db, org, (pending as { reservationId: string }).reservationId, t.clock)).status).toBe('released');
    expect(await enqueueOverage(t.app.services.db, t.clock, NOW)).toEqual([]);
    await use(org, 'sms_sent', 5, 'commit');
    await use(org, 'sms_sent', 2, 'event');
    expect(await enqueueOverage(t.app.services.db, t.clock, NOW)).toEqual([expect.objectContaining({ batch: 2, quantity: 7 })]);
    await reportOverage(t.app.services.db, s.provider, t.clock);
    expect(meterTotal(s.standIn.store, 'meterdesk_sms_sent', a.customerId!)).toBe(42);
    expect(meterTotal(s.standIn.store, 'meterdesk_documents', a.customerId!)).toBe(0);
    expectNoDuplicateIdentifiers();

    const status = await getOverageStatus(t.app.services.db, org, t.clock);
    expect(status).toMatchObject({ overagePolicy: 'bill', periodStart: new Date('2026-11-01T00:00:00Z'), periodEnd: new Date('2026-12-01T00:00:00Z') });
    expect(status.metrics.find((m) => m.metric === 'sms_sent')).toMatchObject({ overageUnits: 42, reportedUnits: 42, pendingUnits: 0, failedUnits: 0, unbatchedUnits: 0, lastError: null });
    expect(status.metrics.find((m) => m.metric === 'emails_sent')).toMatchObject({ overageUnits: 0, reportedUnits: 0 });
  });

  it('batches at most every so often by default, and the period end closes the last batch', async () => {
    const a = await tenant('pro');
    const org = a.organizationId;
    await use(org, 'ai_queries', 20_000 + 5, 'event');
    expect(await enqueueOverage(t.app.services.db, t.clock)).toEqual([expect.objectContaining({ batch: 1, quantity: 5 })]);
    await use(org, 'ai_queries', 3, 'event');
    expect(await enqueueOverage(t.app.services.db, t.clock)).toEqual([]); // too soon for another meter event
    expect((await getOverageStatus(t.app.services.db, org, t.clock)).metrics.find((m) => m.metric === 'ai_queries')).toMatchObject({ overageUnits: 8, unbatchedUnits: 3 });
    t.clock.advance(15 * 60_000);
    expect(await enqueueOverage(t.app.services.db, t.clock)).toEqual([expect.objectContaining({ batch: 2, quantity: 3 })]);
  });

  it('subtracts the prepaid credits that committed reservations kept', async () => {
    const a = await tenant('pro');
    const org = a.organizationId;
    await grantCredits(t.app.services.db, a.people.owner.userId, grantCreditsInput.parse({ organizationId: org, metric: 'wa_messages', amount: 10, reason: 'welcome credits' }), t.clock);
    await use(org, 'wa_messages', 10_000, 'commit'); // the quota
    await use(org, 'wa_messages', 25, { commit: 20 }); // 10 from credits, 15 overage reserved; 5 unused go back from the overage
    expect(await enqueueOverage(t.app.services.db, t.clock, NOW)).toEqual([expect.objectContaining({ metric: 'wa_messages', quantity: 10 })]);
  });

  it('never creates overage rows for a hard-capped plan, even when ingested events go past the quota', async () => {
    const a = await tenant('starter');
    await use(a.organizationId, 'sms_sent', 1000, 'commit');
    await use(a.organizationId, 'sms_sent', 500, 'event');
    await enqueueOverage(t.app.services.db, t.clock, NOW);
    expect(await rows(a.organizationId)).toEqual([]);
    expect(await t.app.services.db.query('select * from usage_overages where organization_id = $1', [a.organizationId])).toEqual([]);
    expect(await getOverageStatus(t.app.services.db, a.organizationId, t.clock)).toMatchObject({ overagePolicy: 'hard_cap' });
  });

  it('a reporter killed mid-batch and restarted reports every unit exactly once', async () => {
    const a = await tenant('pro');
    const org = a.organizationId;
    await use(org, 'sms_sent', PRO_SMS + 11, 'event');
    await use(org, 'emails_sent', 50_000 + 22, 'event');
    await use(org, 'call_seconds', 240_000 + 33, 'event');
    expect(await enqueueOverage(t.app.services.db, t.clock, NOW)).toHaveLength(3);

    // Rows go out in order call_seconds, emails_sent, sms_sent. The second reaches Stripe and then
    // the process dies before it is marked sent (its promise never settles); the third never goes.
    let calls = 0;
    const dying: BillingProvider = Object.create(s.provider, {
      reportUsage: {
        value: async (report: Parameters<BillingProvider['reportUsage']>[0]) => {
          calls++;
          if (calls === 2) {
            await s.provider.reportUsage(report);
            return new Promise(() => {}); // killed here
          }
          if (calls > 2) throw new Error('unreachable: the process is dead');
          return s.provider.reportUsage(report);
        },
      },
    });
    void reportOverage(t.app.services.db, dying, t.clock);
    await waitFor(() => meterTotal(s.standIn.store, 'meterdesk_emails_sent', a.customerId!) === 22);
    expect((await rows(org)).map((r) => r.status)).toEqual(['sent', 'pending', 'pending']);

    // A restart before the lease runs out leaves the claimed rows alone; after it, they go out.
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ sent: 0, duplicates: 0 });
    t.clock.advance(REPORT_LEASE_MS);
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ sent: 1, duplicates: 1 });
    expect((await rows(org)).every((r) => r.status === 'sent')).toBe(true);
    expect([meterTotal(s.standIn.store, 'meterdesk_sms_sent', a.customerId!), meterTotal(s.standIn.store, 'meterdesk_emails_sent', a.customerId!), meterTotal(s.standIn.store, 'meterdesk_call_seconds', a.customerId!)]).toEqual([11, 22, 33]);
    expect(meterEvents(a.customerId!)).toHaveLength(3);
    expectNoDuplicateIdentifiers();
  });

  it('an answer lost after Stripe accepted the event is retried harmlessly (the identifier deduplicates)', async () => {
    const a = await tenant('pro');
    const meterPath = { path: '/v1/billing/meter_events' };
    // The SDK's own retry carries the same Idempotency-Key: Stripe replays its first answer.
    await use(a.organizationId, 'sms_sent', PRO_SMS + 6, 'event');
    await enqueueOverage(t.app.services.db, t.clock, NOW);
    s.standIn.failNext(1, 500, { afterExecution: true, match: meterPath });
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ sent: 1, retrying: 0 });
    expect((await rows(a.organizationId))[0]).toMatchObject({ metric: 'sms_sent', status: 'sent', attempts: 1 });

    // Lost for good (the SDK does not retry): the job's next attempt is a new request, which Stripe
    // refuses as a duplicate identifier — and that counts as sent.
    await use(a.organizationId, 'mms_sent', 500 + 9, 'event');
    await enqueueOverage(t.app.services.db, t.clock, NOW);
    s.standIn.failNext(1, 500, { afterExecution: true, shouldRetry: false, match: meterPath });
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ sent: 0, retrying: 1 });
    expect(meterTotal(s.standIn.store, 'meterdesk_mms_sent', a.customerId!)).toBe(9); // Stripe has it
    const mms = async () => (await rows(a.organizationId)).find((r) => r.metric === 'mms_sent');
    expect(await mms()).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/^Attempt 1 failed, will retry: Stripe failed to report usage/) });
    t.clock.advance(retryDelayMs(1));
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ duplicates: 1 });
    expect(await mms()).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(meterTotal(s.standIn.store, 'meterdesk_mms_sent', a.customerId!)).toBe(9);
    expect(meterTotal(s.standIn.store, 'meterdesk_sms_sent', a.customerId!)).toBe(6);
    expect(meterEvents(a.customerId!)).toHaveLength(2);
    expectNoDuplicateIdentifiers();
  });

  it('retries 429 and 500 from Stripe with exponential backoff, losing nothing', async () => {
    const a = await tenant('pro');
    await use(a.organizationId, 'calls_made', 2000 + 4, 'event');
    await enqueueOverage(t.app.services.db, t.clock, NOW);
    s.standIn.failNext(1, 429, { shouldRetry: false, match: { path: '/v1/billing/meter_events' } });
    s.standIn.failNext(1, 500, { shouldRetry: false, match: { path: '/v1/billing/meter_events' } });

    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ retrying: 1 });
    let [row] = await rows(a.organizationId);
    expect(row!.last_error).toMatch(/rate-limiting/);
    expect(new Date(row!.next_attempt_at).getTime()).toBe(t.clock.now().getTime() + 30_000);
    const status = await getOverageStatus(t.app.services.db, a.organizationId, t.clock);
    expect(status.metrics.find((m) => m.metric === 'calls_made')).toMatchObject({ overageUnits: 4, pendingUnits: 4, reportedUnits: 0, lastError: expect.stringMatching(/rate-limiting/) });

    t.clock.advance(29_000);
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ sent: 0, retrying: 0 }); // not due yet
    t.clock.advance(1_000);
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ retrying: 1 });
    [row] = await rows(a.organizationId);
    expect(new Date(row!.next_attempt_at).getTime()).toBe(t.clock.now().getTime() + 60_000); // doubled
    t.clock.advance(60_000);
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ sent: 1 });
    expect(meterTotal(s.standIn.store, 'meterdesk_calls_made', a.customerId!)).toBe(4);
    expect((await rows(a.organizationId))[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('waits with a reason while the organization has no Stripe customer, and gives up in words past Stripe’s 35 days', async () => {
    const a = await tenant('pro', { customer: false });
    await use(a.organizationId, 'api_requests', 2_000_000 + 70, 'event');
    await enqueueOverage(t.app.services.db, t.clock, NOW);
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ waiting: 1 });
    expect((await rows(a.organizationId))[0]).toMatchObject({ status: 'pending', attempts: 0, last_error: NO_CUSTOMER_REASON });

    const b = await tenant('pro', { customer: false });
    await use(b.organizationId, 'api_requests', 2_000_000 + 80, 'event');
    await enqueueOverage(t.app.services.db, t.clock, NOW);
    // b subscribes: its batch goes out at the next look.
    const { customerId } = await s.provider.createCustomer({ organizationId: b.organizationId, name: 'b', email: null });
    await t.app.services.db.prisma.subscription.update({ where: { organizationId: b.organizationId }, data: { providerCustomerId: customerId } });
    await reportOverage(t.app.services.db, s.provider, t.clock);
    t.clock.advance(15 * 60_000);
    await reportOverage(t.app.services.db, s.provider, t.clock);
    expect(meterTotal(s.standIn.store, 'meterdesk_api_requests', customerId)).toBe(80);

    // a never subscribes; 35 days on, Stripe would refuse the event: the row fails, with what to do.
    t.clock.advance(35 * 86_400_000);
    expect(await reportOverage(t.app.services.db, s.provider, t.clock)).toMatchObject({ failed: 1 });
    const [row] = await rows(a.organizationId);
    expect(row).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/past 35 days.*70 api_requests units.*invoice item/) });
    const status = await getOverageStatus(t.app.services.db, a.organizationId, t.clock);
    expect(status.earlierUnsent).toEqual({ pendingUnits: 0, failedUnits: 70 });
  });

  it('shows each organization only its own overage', async () => {
    const a = await tenant('pro');
    const b = await tenant('pro');
    await use(a.organizationId, 'wa_messages', 10_000 + 3, 'event');
    await use(b.organizationId, 'wa_messages', 10_000 + 300, 'event');
    await enqueueOverage(t.app.services.db, t.clock, NOW);
    const mine = await (await t.app.createCaller(a.people.owner.carrier)).billingOverage.overview();
    expect(mine.metrics.find((m) => m.metric === 'wa_messages')).toMatchObject({ overageUnits: 3, pendingUnits: 3 });
    const theirs = await (await t.app.createCaller(b.people.admin.carrier)).billingOverage.overview();
    expect(theirs.metrics.find((m) => m.metric === 'wa_messages')).toMatchObject({ overageUnits: 300, pendingUnits: 300 });
    await expect((await t.app.createCaller(a.people.member.carrier)).billingOverage.overview()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await reportOverage(t.app.services.db, s.provider, t.clock);
    expect(meterTotal(s.standIn.store, 'meterdesk_wa_messages', a.customerId!)).toBe(3);
    expect(meterTotal(s.standIn.store, 'meterdesk_wa_messages', b.customerId!)).toBe(300);
  });

  it('registers the background jobs by name, the overage reporter only with a billing provider', () => {
    const services = { db: t.app.services.db, clock: t.clock };
    expect(backgroundJobs({ ...services, billingProvider: null }).map((j) => j.name)).toEqual([
      'release-expired-reservations',
      'batch-overage-for-billing',
      'erase-deleted-organizations',
      'apply-due-plan-migrations',
      'recover-interrupted-launches',
      'pause-restricted-campaigns',
      'apply-pending-delivery-events',
      'ensure-usage-partitions',
    ]);
    expect(backgroundJobs({ ...services, billingProvider: s.provider }).map((j) => j.name)).toContain('report-overage-to-meters');
  });
});

describe('overage reporter details', () => {
  it('backs off exponentially up to an hour, well inside Stripe’s 24 h identifier window', () => {
    expect([1, 2, 3, 4, 8, 50].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
  });
  it('stores errors without keys or control characters, bounded', () => {
    const text = describeReportError(new Error(`Invalid API Key provided: sk_live_${'a'.repeat(30)}\nwhsec_abc rk_test_x`));
    expect(text).toBe('Invalid API Key provided: [redacted] [redacted] [redacted]');
    expect(describeReportError(new Error('x'.repeat(2000)))).toHaveLength(500);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
