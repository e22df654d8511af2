// Revenue analytics against figures computed by hand (README, “Platform administration → Revenue” walks through the same
// fixture): upgrades, downgrades, a cancellation, a trial that converts and one that does not,
// yearly plans, extra seats and a refund. Then the same figures through the API on both databases,
// the mirror writing the history, and who may read them.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySubscription } from '../../server/billing/mirror-billing-objects';
import { computeRevenue, indexVersionPrices, monthlyRecurringMinor, type InvoiceRow, type RefundRow, type SubscriptionChangeRow } from '../../server/platform/revenue/compute-revenue';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedPerson, seedTenant } from '../helpers/tenants';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const change = (organizationId: string, at: string, planKey: string, providerStatus: string, billingInterval: string | null, seatQuantity = 0): SubscriptionChangeRow => ({ organizationId, effectiveAt: d(at), planKey, providerStatus, billingInterval, seatQuantity });

const CHANGES: SubscriptionChangeRow[] = [
  change('A', '2025-12-10', 'starter', 'active', 'month'),
  change('A', '2026-03-05', 'growth', 'active', 'month'), // upgrade: +3,000
  change('B', '2026-01-20', 'pro', 'active', 'month'), // new: 9,900
  change('B', '2026-04-02', 'starter', 'active', 'month'), // downgrade: −7,000
  change('C', '2025-11-01', 'growth', 'active', 'year'), // 59,000 / 12 = 4,916.67 → 4,917
  change('C', '2026-02-14', 'growth', 'canceled', 'year'), // churn: −4,917
  change('D', '2026-01-05', 'starter', 'trialing', 'month'),
  change('D', '2026-01-19', 'starter', 'active', 'month'), // trial converted, new: 2,900
  change('D', '2026-05-10', 'starter', 'active', 'month', 2), // two extra seats: +1,800
  change('E', '2026-02-01', 'growth', 'trialing', 'month'),
  change('E', '2026-02-15', 'growth', 'canceled', 'month'), // trial ended, not converted
  change('F', '2026-03-20', 'pro', 'active', 'year'), // 99,000 / 12 = 8,250
];
const INVOICES: InvoiceRow[] = [
  { organizationId: 'A', status: 'paid', amountPaid: 2900, createdAt: d('2026-01-10') },
  { organizationId: 'B', status: 'paid', amountPaid: 9900, createdAt: d('2026-01-20') },
  { organizationId: 'D', status: 'paid', amountPaid: 2900, createdAt: d('2026-01-19') },
  { organizationId: 'E', status: 'open', amountPaid: 0, createdAt: d('2026-02-15') },
  { organizationId: 'F', status: 'paid', amountPaid: 99000, createdAt: d('2026-03-20') },
];
const REFUNDS: RefundRow[] = [{ organizationId: 'F', amountMinor: 5000, at: d('2026-05-03') }];
const AS_OF = new Date('2026-06-15T12:00:00Z');

/** Hand-computed, month by month (README, “Platform administration → Revenue”). */
const EXPECTED = [
  { month: '2026-01', openingMrrMinor: 7817, mrrMinor: 20617, newMrrMinor: 12800, expansionMrrMinor: 0, contractionMrrMinor: 0, churnedMrrMinor: 0, netNewMrrMinor: 12800, payingCustomers: 4, openingCustomers: 2, churnedCustomers: 0, trialsEnded: 1, trialsConverted: 1, collectedMinor: 15700, refundedMinor: 0 },
  { month: '2026-02', openingMrrMinor: 20617, mrrMinor: 15700, newMrrMinor: 0, expansionMrrMinor: 0, contractionMrrMinor: 0, churnedMrrMinor: 4917, netNewMrrMinor: -4917, payingCustomers: 3, openingCustomers: 4, churnedCustomers: 1, trialsEnded: 1, trialsConverted: 0, collectedMinor: 0, refundedMinor: 0 },
  { month: '2026-03', openingMrrMinor: 15700, mrrMinor: 26950, newMrrMinor: 8250, expansionMrrMinor: 3000, contractionMrrMinor: 0, churnedMrrMinor: 0, netNewMrrMinor: 11250, payingCustomers: 4, openingCustomers: 3, churnedCustomers: 0, trialsEnded: 0, trialsConverted: 0, collectedMinor: 99000, refundedMinor: 0 },
  { month: '2026-04', openingMrrMinor: 26950, mrrMinor: 19950, newMrrMinor: 0, expansionMrrMinor: 0, contractionMrrMinor: 7000, churnedMrrMinor: 0, netNewMrrMinor: -7000, payingCustomers: 4, openingCustomers: 4, churnedCustomers: 0, trialsEnded: 0, trialsConverted: 0, collectedMinor: 0, refundedMinor: 0 },
  { month: '2026-05', openingMrrMinor: 19950, mrrMinor: 21750, newMrrMinor: 0, expansionMrrMinor: 1800, contractionMrrMinor: 0, churnedMrrMinor: 0, netNewMrrMinor: 1800, payingCustomers: 4, openingCustomers: 4, churnedCustomers: 0, trialsEnded: 0, trialsConverted: 0, collectedMinor: 0, refundedMinor: 5000 },
  { month: '2026-06', openingMrrMinor: 21750, mrrMinor: 21750, newMrrMinor: 0, expansionMrrMinor: 0, contractionMrrMinor: 0, churnedMrrMinor: 0, netNewMrrMinor: 0, payingCustomers: 4, openingCustomers: 4, churnedCustomers: 0, trialsEnded: 0, trialsConverted: 0, collectedMinor: 0, refundedMinor: 0 },
];

function expectHandFigures(report: ReturnType<typeof computeRevenue>) {
  expect(report.months.map((m) => m.month)).toEqual(EXPECTED.map((e) => e.month));
  report.months.forEach((m, i) => {
    expect(m, m.month).toMatchObject(EXPECTED[i]!);
    expect(m.arrMinor).toBe(m.mrrMinor * 12);
    expect(m.netCollectedMinor).toBe(m.collectedMinor - m.refundedMinor);
    expect(m.netNewMrrMinor).toBe(m.mrrMinor - m.openingMrrMinor);
  });
  const [jan, feb, , apr] = report.months;
  expect(jan!.byPlan).toEqual([
    { planKey: 'pro', mrrMinor: 9900, customers: 1 },
    { planKey: 'starter', mrrMinor: 5800, customers: 2 },
    { planKey: 'growth', mrrMinor: 4917, customers: 1 },
  ]);
  expect(jan!.trialConversionRate).toBe(1);
  expect(feb!.trialConversionRate).toBe(0);
  expect(feb!.logoChurnRate).toBe(0.25);
  expect(feb!.revenueChurnRate).toBeCloseTo(4917 / 20617, 10);
  expect(apr!.revenueChurnRate).toBeCloseTo(7000 / 26950, 10);
  expect(report.months[5]!.trialConversionRate).toBeNull();
  expect(report.current).toEqual({
    mrrMinor: 21750,
    arrMinor: 261000,
    payingCustomers: 4,
    byPlan: [
      { planKey: 'pro', mrrMinor: 8250, customers: 1 },
      { planKey: 'starter', mrrMinor: 7600, customers: 2 },
      { planKey: 'growth', mrrMinor: 5900, customers: 1 },
    ],
  });
}

describe('revenue formula', () => {
  it('normalises yearly prices and seats to monthly, and counts only paying statuses', () => {
    expect(monthlyRecurringMinor({ planKey: 'starter', providerStatus: 'active', billingInterval: 'month', seatQuantity: 0 })).toBe(2900);
    expect(monthlyRecurringMinor({ planKey: 'starter', providerStatus: 'active', billingInterval: 'year', seatQuantity: 0 })).toBe(2417);
    expect(monthlyRecurringMinor({ planKey: 'pro', providerStatus: 'past_due', billingInterval: 'year', seatQuantity: 2 })).toBe(8250 + 1500);
    for (const status of ['trialing', 'unpaid', 'paused', 'incomplete', 'canceled']) expect(monthlyRecurringMinor({ planKey: 'pro', providerStatus: status, billingInterval: 'month', seatQuantity: 0 })).toBe(0);
    expect(monthlyRecurringMinor({ planKey: 'enterprise', providerStatus: 'active', billingInterval: 'month', seatQuantity: 0 })).toBe(0);
  });

  it('counts a plan version at its own prices (Starter v2 at $19 counts $19; an unknown version the catalog)', () => {
    const v2 = [{ planKey: 'starter', version: 2, prices: { month: 1900, year: 19000 }, seatPriceMinor: { month: 900, year: 9000 } }];
    const index = indexVersionPrices(v2);
    expect(monthlyRecurringMinor({ planKey: 'starter', providerStatus: 'active', billingInterval: 'month', seatQuantity: 0, planVersion: 2 }, index)).toBe(1900);
    expect(monthlyRecurringMinor({ planKey: 'starter', providerStatus: 'active', billingInterval: 'year', seatQuantity: 1, planVersion: 2 }, index)).toBe(Math.round((19000 + 9000) / 12));
    expect(monthlyRecurringMinor({ planKey: 'starter', providerStatus: 'active', billingInterval: 'month', seatQuantity: 0, planVersion: 1 }, index)).toBe(2900);
    expect(monthlyRecurringMinor({ planKey: 'starter', providerStatus: 'active', billingInterval: 'month', seatQuantity: 0, planVersion: 7 }, index)).toBe(2900);
    const at = new Date('2026-06-01T00:00:00Z');
    const report = computeRevenue({
      changes: [
        { organizationId: 'a', effectiveAt: at, planKey: 'starter', providerStatus: 'active', billingInterval: 'month', seatQuantity: 0, planVersion: 2 },
        { organizationId: 'b', effectiveAt: at, planKey: 'starter', providerStatus: 'active', billingInterval: 'month', seatQuantity: 0, planVersion: 1 },
      ],
      invoices: [], refunds: [], asOf: new Date('2026-06-15T00:00:00Z'), months: 1, versionPrices: v2,
    });
    expect(report.current).toMatchObject({ mrrMinor: 1900 + 2900, byPlan: [{ planKey: 'starter', mrrMinor: 4800, customers: 2 }] });
  });

  it('equals the hand-computed figures on the fixture', () => {
    expectHandFigures(computeRevenue({ changes: CHANGES, invoices: INVOICES, refunds: REFUNDS, asOf: AS_OF, months: 6 }));
  });

  it('does not depend on the order rows arrive in', () => {
    expectHandFigures(computeRevenue({ changes: [...CHANGES].reverse(), invoices: [...INVOICES].reverse(), refunds: REFUNDS, asOf: AS_OF, months: 6 }));
  });
});

describe.each(databaseTargets)('revenue through the API on $name', (target) => {
  let t: TestApp;
  let ids: Record<string, string>;
  let tenant: Awaited<ReturnType<typeof seedTenant>>;
  const staff: Record<string, Awaited<ReturnType<typeof seedPerson>>> = {};

  beforeAll(async () => {
    t = await startTestApp(target);
    const p = t.app.services.db.prisma;
    tenant = await seedTenant(t.app, 'acme');
    const home = await seedTenant(t.app, 'staffhome');
    for (const role of ['super_admin', 'support', 'finance'] as const) {
      staff[role] = await seedPerson(t.app, { organizationId: home.organizationId, slug: 'staffhome' }, role.replace('_', ''));
      await p.user.update({ where: { id: staff[role]!.userId }, data: { platformRole: role } });
    }
    ids = {};
    for (const key of ['A', 'B', 'C', 'D', 'E', 'F']) ids[key] = (await p.organization.create({ data: { slug: `rev-${key.toLowerCase()}`, name: `Revenue ${key}` } })).id;
    for (const c of CHANGES) await p.subscriptionChange.create({ data: { ...c, organizationId: ids[c.organizationId]! } });
    let n = 0;
    for (const i of INVOICES) {
      n += 1;
      await p.billingInvoice.create({
        data: { organizationId: ids[i.organizationId]!, providerInvoiceId: `in_fixture${n}`, providerCustomerId: `cus_${i.organizationId}`, status: i.status, currency: 'usd', amountDue: i.amountPaid, amountPaid: i.amountPaid, amountRemaining: 0, total: i.amountPaid, providerCreated: i.createdAt, providerStateAt: i.createdAt },
      });
    }
    // The refund as the console records it, dated in the fixture's May (the log is append-only: written with its date).
    await p.auditEvent.create({
      data: { organizationId: ids.F!, actorUserId: staff.finance!.userId, action: 'platform.invoice.refund', targetType: 'invoice', targetId: 'in_fixture5', after: { refundId: 're_1', amountMinor: 5000, currency: 'usd' }, createdAt: d('2026-05-03') },
    });
    t.clock.set(AS_OF);
  });
  afterAll(() => t?.close());

  it('finance and super admins read the hand-computed figures', async () => {
    for (const role of ['finance', 'super_admin']) {
      const api = await t.app.createCaller(staff[role]!.carrier);
      expectHandFigures(await api.platformAdmin.revenue({ months: 6 }));
    }
  });

  it('support and every tenant role are refused, writing nothing', async () => {
    const before = await databaseFingerprint(t.app);
    for (const carrier of [staff.support!.carrier, ...Object.values(tenant.people).map((p) => p.carrier)]) {
      const api = await t.app.createCaller(carrier);
      await expect(api.platformAdmin.revenue({ months: 6 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await databaseFingerprint(t.app)).toEqual(before);
  });

  it('refuses hostile input', async () => {
    const api = await t.app.createCaller(staff.finance!.carrier);
    for (const input of [{ months: 0 }, { months: 37 }, { months: 1.5 }, { months: '12' }, { months: { $gt: 1 } }]) {
      await expect(api.platformAdmin.revenue(input as never)).rejects.toBeInstanceOf(TRPCError);
    }
  });

  it('the billing mirror writes the history revenue reads, once per change', async () => {
    const p = t.app.services.db.prisma;
    const snapshot = {
      id: 'sub_mirror1', customerId: 'cus_mirror', organizationClaim: null, providerStatus: 'active', planKey: 'growth' as const, lookupKey: 'meterdesk_growth_yearly_v1', interval: 'year' as const,
      seatQuantity: 0, periodStart: null, periodEnd: null, billingAnchor: null, cancelAtPeriodEnd: false, trialEnd: null, canceledAt: null, endedAt: null,
      created: new Date('2026-06-01T00:00:00Z'), readAt: new Date('2026-06-01T00:00:00Z'),
    };
    await p.$transaction((tx) => applySubscription(tx, tenant.organizationId, snapshot, 'evt_1'));
    await p.$transaction((tx) => applySubscription(tx, tenant.organizationId, { ...snapshot, readAt: new Date('2026-06-02T00:00:00Z') }, 'evt_2'));
    // Same plan, other interval: a change for revenue, though access is the same.
    await p.$transaction((tx) => applySubscription(tx, tenant.organizationId, { ...snapshot, interval: 'month', lookupKey: 'meterdesk_growth_monthly_v1', readAt: new Date('2026-06-03T00:00:00Z') }, 'evt_3'));
    const history = await p.subscriptionChange.findMany({ where: { organizationId: tenant.organizationId }, orderBy: { effectiveAt: 'asc' } });
    expect(history.map((h) => [h.planKey, h.providerStatus, h.billingInterval])).toEqual([
      ['growth', 'active', 'year'],
      ['growth', 'active', 'month'],
    ]);
    const api = await t.app.createCaller(staff.finance!.carrier);
    expect((await api.platformAdmin.revenue({ months: 1 })).current.mrrMinor).toBe(21750 + 5900);
  });
});
