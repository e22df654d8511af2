// Plan lab, versions half (issue 14): drafts, publication (immutable afterwards), grandfathering
// through renewals, and migration of tenants between versions through Stripe — the real `stripe`
// client against the stand-in, its test clocks running the renewals, the events reaching the
// mirror through the one processor (polling).
import { afterEach, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { PLANS } from '../../server/billing/plan-catalog';
import { syncSeatsWithMembers } from '../../server/billing/sync-seats-with-members';
import { reserveUsage, reserveUsageInput } from '../../server/metering/reserve-usage';
import { getEntitlements } from '../../server/metering/get-entitlements';
import { getAccountState } from '../../server/metering/get-usage-state';
import { applyDuePlanMigrations } from '../../server/plan-lab/migrate-tenants-to-version';
import { getRevenue } from '../../server/platform/revenue/get-revenue';
import type { PlatformRoleName } from '../../server/permissions/permissions';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import type { MemoryCarrier } from '../helpers/test-app';
import { databaseFingerprint, seedPerson, seedTenant, type Tenant } from '../helpers/tenants';
import { startEventsFixture, type EventsFixture } from '../billing/events-helpers';
import { DAY, priceId } from '../billing/lifecycle-helpers';

const postgres = databaseTargets.filter((t) => t.name === 'postgres');
const starterV1 = PLANS.find((p) => p.key === 'starter')!;

/** Version 1's editable terms with the changes a test makes: a cheaper Starter with fewer SMS and cheaper seats. */
function cheaperStarter() {
  return {
    name: 'Starter 2027',
    prices: { month: 1900, year: 19000 },
    includedSeats: 3,
    seatPriceMinor: { month: 700, year: 7000 },
    overagePolicy: 'hard_cap' as const,
    quotas: { ...starterV1.quotas, sms_sent: 500 },
    entitlements: { ...starterV1.entitlements, max_documents: { enabled: true, limit: 50 } },
    overageUnitPriceMicros: { sms_sent: 7500 },
  };
}

describe.each(postgres)('plan versions on $name', (target) => {
  let f: EventsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  async function setUp() {
    const fx = (f = await startEventsFixture(target));
    fx.t.app.services.billingProvider = fx.s.provider;
    const staffOrg = { organizationId: (await fx.prisma.organization.create({ data: { slug: 'meterdesk', name: 'Meterdesk' } })).id, slug: 'meterdesk' };
    const staff = {} as Record<PlatformRoleName, MemoryCarrier>;
    for (const role of ['super_admin', 'support', 'finance'] as const) {
      const person = await seedPerson(fx.t.app, staffOrg, role.replace('_', ''));
      await fx.prisma.user.update({ where: { id: person.userId }, data: { platformRole: role } });
      staff[role] = person.carrier;
    }
    await fx.poll(); // the cursor starts here
    return { fx, staff, as: async (c: MemoryCarrier) => (await fx.t.client(c)).api };
  }

  /** A tenant subscribed to a Starter price on its own test clock (Stripe runs its renewals). */
  async function subscribeOnClock(fx: EventsFixture, tenant: Tenant, lookupKey = starterV1.prices.month!.lookupKey) {
    const { stripe } = fx.s;
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: `plan lab ${tenant.slug}` });
    const customer = await stripe.customers.create({ name: `${tenant.slug} Inc`, email: `billing@${tenant.slug}.test`, test_clock: clock.id, metadata: { meterdesk_organization_id: tenant.organizationId } });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: visa.id } });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: await priceId(stripe, lookupKey), quantity: 1 }, { price: await priceId(stripe, 'meterdesk_seat_monthly_v1'), quantity: 4 }],
      metadata: { meterdesk_organization_id: tenant.organizationId },
    });
    await fx.poll();
    return { clockId: clock.id, subscriptionId: subscription.id, start };
  }

  async function advance(fx: EventsFixture, clockId: string, to: number) {
    await fx.s.stripe.testHelpers.testClocks.advance(clockId, { frozen_time: to });
    await expect.poll(async () => (await fx.s.stripe.testHelpers.testClocks.retrieve(clockId)).status, { timeout: 5_000, interval: 5 }).toBe('ready');
    await fx.poll();
  }

  const planPrice = (sub: Stripe.Subscription) => sub.items.data.map((i) => i.price.lookup_key).find((k) => k?.startsWith('meterdesk_starter_'));
  const seatItem = (sub: Stripe.Subscription) => sub.items.data.find((i) => i.price.lookup_key?.startsWith('meterdesk_seat_'));
  const seatOf = async (fx: EventsFixture, subscriptionId: string) => {
    const item = seatItem(await fx.s.stripe.subscriptions.retrieve(subscriptionId));
    return item ? { lookupKey: item.price.lookup_key, unitAmount: item.price.unit_amount, quantity: item.quantity } : null;
  };
  const versionOf = async (fx: EventsFixture, organizationId: string) => (await fx.prisma.subscription.findUniqueOrThrow({ where: { organizationId } })).planVersion;
  const sms = (fx: EventsFixture, organizationId: string, quantity: number) =>
    reserveUsage(fx.t.app.services.db, organizationId, reserveUsageInput.parse({ metric: 'sms_sent', quantity }), fx.t.clock);

  async function publishCheaperStarter(api: Awaited<ReturnType<Awaited<ReturnType<typeof setUp>>['as']>>) {
    const draft = await api.planLab.createDraft({ planKey: 'starter', fromVersion: 1, note: 'Cheaper Starter, fewer SMS' });
    expect(draft).toMatchObject({ version: 2, status: 'draft' });
    await api.planLab.saveDraft({ planKey: 'starter', version: 2, terms: cheaperStarter() });
    return api.planLab.publish({ planKey: 'starter', version: 2, confirm: true });
  }

  it('finance publishes a cheaper Starter: existing subscribers keep version 1 through renewals, new ones get version 2, and metering follows each', async () => {
    const { fx, staff, as } = await setUp();
    const old = await seedTenant(fx.t.app, 'oldco');
    const fresh = await seedTenant(fx.t.app, 'newco');
    const s = await subscribeOnClock(fx, old);
    expect(await versionOf(fx, old.organizationId)).toBe(1);

    const finance = await as(staff.finance);
    const published = await publishCheaperStarter(finance);
    expect(published).toMatchObject({ version: 2, status: 'published', prices: { synced: true } });
    // Stripe has the version's prices under their own lookup keys.
    const v2 = await fx.s.stripe.prices.list({ lookup_keys: ['meterdesk_starter_monthly_v2', 'meterdesk_starter_yearly_v2'] });
    expect(v2.data.map((p) => [p.lookup_key, p.unit_amount]).sort()).toEqual([['meterdesk_starter_monthly_v2', 1900], ['meterdesk_starter_yearly_v2', 19000]]);
    // ...and its seat prices under the version's seat keys, on the seat product; the catalog's stay.
    const seats = await fx.s.stripe.prices.list({ lookup_keys: ['meterdesk_seat_starter_monthly_v2', 'meterdesk_seat_starter_yearly_v2', 'meterdesk_seat_monthly_v1'] });
    expect(seats.data.map((p) => [p.lookup_key, p.unit_amount, p.recurring?.interval]).sort()).toEqual([
      ['meterdesk_seat_monthly_v1', 900, 'month'],
      ['meterdesk_seat_starter_monthly_v2', 700, 'month'],
      ['meterdesk_seat_starter_yearly_v2', 7000, 'year'],
    ]);
    expect(new Set(seats.data.map((p) => p.product)).size).toBe(1);
    const compare = await finance.planLab.compare({ planKey: 'starter', a: 1, b: 2 });
    expect(compare.differences).toEqual(expect.arrayContaining([
      { path: 'prices.month', a: 2900, b: 1900 },
      { path: 'quotas.sms_sent', a: 1000, b: 500 },
      { path: 'name', a: 'Starter', b: 'Starter 2027' },
      { path: 'seatPriceMinor.month', a: 900, b: 700 },
    ]));

    // Two renewals later the old tenant is still on version 1: same price, same quota.
    const periodEnd = (await fx.s.stripe.subscriptions.retrieve(s.subscriptionId)).items.data[0]!.current_period_end;
    await advance(fx, s.clockId, periodEnd + 3600);
    await advance(fx, s.clockId, periodEnd + 31 * DAY + 3600);
    const renewed = await fx.s.stripe.subscriptions.retrieve(s.subscriptionId);
    expect(planPrice(renewed)).toBe('meterdesk_starter_monthly_v1');
    expect(renewed.items.data[0]!.current_period_start).toBeGreaterThan(periodEnd + 30 * DAY);
    expect(await versionOf(fx, old.organizationId)).toBe(1);

    // A new subscriber through Checkout gets version 2.
    const owner = await as(fresh.people.owner.carrier);
    const checkout = await owner.billing.startCheckout({ planKey: 'starter', interval: 'month' });
    fx.s.standIn.completeCheckoutSession(checkout.sessionId);
    await fx.poll();
    expect(await versionOf(fx, fresh.organizationId)).toBe(2);
    const freshSub = (fx.s.standIn.store.all('subscription') as unknown as Stripe.Subscription[]).find((x) => x.metadata?.meterdesk_organization_id === fresh.organizationId)!;
    expect(planPrice(await fx.s.stripe.subscriptions.retrieve(freshSub.id))).toBe('meterdesk_starter_monthly_v2');
    // Its extra seats (7 members, 3 included) at version 2's seat price; the old tenant's stay at version 1's.
    expect(await seatOf(fx, freshSub.id)).toEqual({ lookupKey: 'meterdesk_seat_starter_monthly_v2', unitAmount: 700, quantity: 4 });
    expect(await seatOf(fx, s.subscriptionId)).toEqual({ lookupKey: 'meterdesk_seat_monthly_v1', unitAmount: 900, quantity: 4 });
    expect((await fx.prisma.subscription.findUniqueOrThrow({ where: { organizationId: fresh.organizationId } })).seatQuantity).toBe(4);

    // The hot path reads each subscription's version: 600 SMS fit in version 1's 1,000, not in version 2's 500.
    expect((await sms(fx, old.organizationId, 600)).status).toBe('reserved');
    expect(await sms(fx, fresh.organizationId, 600)).toMatchObject({ status: 'blocked', scope: 'organization' });
    expect((await sms(fx, fresh.organizationId, 500)).status).toBe('reserved');
    expect(await getAccountState(fx.t.app.services.db, fresh.organizationId, fx.t.clock.now())).toMatchObject({ planKey: 'starter', planVersion: 2 });
    expect((await getEntitlements(fx.t.app.services.db, fresh.organizationId, fx.t.clock)).features).toMatchObject({ api_access: true, max_documents: 50 });
    expect((await getEntitlements(fx.t.app.services.db, old.organizationId, fx.t.clock)).features).toMatchObject({ api_access: true, max_documents: 100 });

    // What each owner's Billing page shows: their own version's price and terms; a change of plan
    // offers the latest published version (the old tenant sees its $29 Starter, the new one $19).
    const freshBilling = await owner.billing.overview();
    expect(freshBilling.plan.version).toBe(2);
    expect(freshBilling.seats).toMatchObject({ extra: 4, price: { month: { amountMinor: 700, lookupKey: 'meterdesk_seat_starter_monthly_v2' }, year: { amountMinor: 7000 } } });
    expect(freshBilling.plans.find((p) => p.key === 'starter')).toMatchObject({ version: 2, prices: { month: { amountMinor: 1900 }, year: { amountMinor: 19000 } } });
    expect(freshBilling.plans.find((p) => p.key === 'starter')!.highlights.find((h) => h.metric === 'sms_sent')!.included).toBe(500);
    const oldBilling = await (await as(old.people.owner.carrier)).billing.overview();
    expect(oldBilling.plan.version).toBe(1);
    expect(oldBilling.seats).toMatchObject({ extra: 4, price: { month: { amountMinor: 900, lookupKey: 'meterdesk_seat_monthly_v1' } } });
    expect(oldBilling.plans.find((p) => p.key === 'starter')).toMatchObject({ version: 1, prices: { month: { amountMinor: 2900 } } });
    expect(oldBilling.plans.find((p) => p.key === 'growth')!.prices.month!.amountMinor).toBe(5900);

    // Revenue counts each tenant at its version's price. The subscriptions run on Stripe test
    // clocks ahead of real time, so the report is read as of a moment after them.
    const history = await fx.prisma.subscriptionChange.findMany({ where: { organizationId: { in: [old.organizationId, fresh.organizationId] } }, orderBy: { effectiveAt: 'desc' } });
    expect(history.find((c) => c.organizationId === fresh.organizationId)!.planVersion).toBe(2);
    expect(history.find((c) => c.organizationId === old.organizationId)!.planVersion).toBe(1);
    const subs = await fx.prisma.subscription.findMany({ where: { organizationId: { in: [old.organizationId, fresh.organizationId] } } });
    const expected = subs.reduce((n, x) => n + (['active', 'past_due'].includes(x.providerStatus ?? '') ? (x.planVersion === 2 ? 1900 + x.seatQuantity * 700 : 2900 + x.seatQuantity * 900) : 0), 0);
    expect(subs.find((x) => x.organizationId === fresh.organizationId)!.providerStatus).toBe('active');
    const revenue = await getRevenue(fx.t.app.services.db, { now: () => new Date(Date.now() + 400 * DAY * 1000) }, { months: 1 });
    expect(revenue.current.mrrMinor).toBe(expected);
    expect(expected).toBe(2900 + 4 * 900 + 1900 + 4 * 700);

    // The seat sync keeps each tenant on its version's seat price: one more member at the old
    // tenant raises its version 1 seat item; the new tenant's seats dropped to none and back come
    // back as a new item on version 2's seat price.
    const sync = () => syncSeatsWithMembers(fx.t.app.services.db, fx.s.provider, fx.t.clock);
    await seedPerson(fx.t.app, old, 'eighth');
    const freshGuests = [fresh.people.guest, fresh.people.outsideMember, fresh.people.teammate, fresh.people.member].map((p) => p.membershipId);
    await fx.prisma.membership.updateMany({ where: { id: { in: freshGuests } }, data: { status: 'deactivated' } });
    expect(await sync()).toMatchObject({ updated: 2 });
    expect(await seatOf(fx, s.subscriptionId)).toEqual({ lookupKey: 'meterdesk_seat_monthly_v1', unitAmount: 900, quantity: 5 });
    expect(await seatOf(fx, freshSub.id)).toBeNull();
    await fx.prisma.membership.updateMany({ where: { id: { in: freshGuests.slice(0, 2) } }, data: { status: 'active' } });
    expect(await sync()).toMatchObject({ updated: 1 });
    expect(await seatOf(fx, freshSub.id)).toEqual({ lookupKey: 'meterdesk_seat_starter_monthly_v2', unitAmount: 700, quantity: 2 });
    await fx.poll();
    expect((await fx.prisma.subscription.findUniqueOrThrow({ where: { organizationId: fresh.organizationId } })).seatQuantity).toBe(2);

    const overview = await finance.planLab.overview();
    const starter = overview.find((p) => p.planKey === 'starter')!;
    expect(starter.latestPublished).toBe(2);
    expect(starter.versions.map((v) => [v.version, v.status, v.subscribers])).toEqual([[1, 'published', 1], [2, 'published', 1]]);

    // Included seats follow the version too: on a version that includes 6 seats, the new tenant's
    // 5 active members need no extra seat, and the seat sync removes its seat item.
    await finance.planLab.createDraft({ planKey: 'starter', fromVersion: 2 });
    await finance.planLab.saveDraft({ planKey: 'starter', version: 3, terms: { ...cheaperStarter(), includedSeats: 6 } });
    await finance.planLab.publish({ planKey: 'starter', version: 3, confirm: true });
    await fx.prisma.subscription.update({ where: { organizationId: fresh.organizationId }, data: { planVersion: 3 } });
    expect(await sync()).toMatchObject({ updated: 1 });
    expect(await seatOf(fx, freshSub.id)).toBeNull();
    expect(await seatOf(fx, s.subscriptionId)).toEqual({ lookupKey: 'meterdesk_seat_monthly_v1', unitAmount: 900, quantity: 5 });
  });

  it('bulk migration at renewal moves each tenant once, run twice at once; a migration now switches the plan and seat prices with proration', async () => {
    const { fx, staff, as } = await setUp();
    const tenants = [await seedTenant(fx.t.app, 'alpha'), await seedTenant(fx.t.app, 'bravo'), await seedTenant(fx.t.app, 'charlie')];
    const subs = [];
    for (const t of tenants) subs.push(await subscribeOnClock(fx, t));
    const nowTenant = await seedTenant(fx.t.app, 'delta');
    const nowSub = await subscribeOnClock(fx, nowTenant);
    const finance = await as(staff.finance);
    const admin = await as(staff.super_admin);
    await publishCheaperStarter(finance);

    // Delta now, on its own: prorated at once, on version 2 straight away.
    const single = await finance.planLab.migrate({ planKey: 'starter', toVersion: 2, tenants: { kind: 'chosen', organizationIds: [nowTenant.organizationId] }, when: 'now', reason: 'Pilot of the 2027 Starter' });
    expect(single).toMatchObject({ moved: 1, scheduled: 0, failed: 0 });
    expect(planPrice(await fx.s.stripe.subscriptions.retrieve(nowSub.subscriptionId))).toBe('meterdesk_starter_monthly_v2');
    expect(await seatOf(fx, nowSub.subscriptionId)).toEqual({ lookupKey: 'meterdesk_seat_starter_monthly_v2', unitAmount: 700, quantity: 4 });
    expect(await versionOf(fx, nowTenant.organizationId)).toBe(2);
    const invoices = (await fx.s.stripe.invoices.list({ subscription: nowSub.subscriptionId })).data;
    expect(invoices.some((i) => i.lines.data.some((l) => l.parent?.subscription_item_details?.proration))).toBe(true);

    // Everyone else at renewal, by two staff at the same moment: every tenant is claimed once.
    const input = { planKey: 'starter' as const, toVersion: 2, tenants: { kind: 'all' as const, fromVersion: 1 }, when: 'at_renewal' as const, reason: 'Move Starter to the 2027 terms' };
    const [a, b] = await Promise.all([finance.planLab.migrate(input), admin.planLab.migrate(input)]);
    expect(a.scheduled + b.scheduled).toBe(3);
    expect(a.failed + b.failed).toBe(0);
    expect(a.scheduled + a.already).toBe(3);
    expect(b.scheduled + b.already).toBe(3);
    const rows = await fx.prisma.planVersionMigration.findMany({ where: { planKey: 'starter', toVersion: 2 } });
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.status === 'scheduled')).toHaveLength(3);
    expect(await fx.prisma.auditEvent.count({ where: { action: 'plan_lab.tenant_migrated' } })).toBe(4);
    // One schedule per subscription, its next phase on the version's price; nobody moved yet.
    for (const s of subs) {
      const sub = await fx.s.stripe.subscriptions.retrieve(s.subscriptionId, { expand: ['schedule'] });
      const schedule = sub.schedule as Stripe.SubscriptionSchedule;
      expect(schedule.phases).toHaveLength(2);
      expect(schedule.phases[1]!.metadata).toMatchObject({ meterdesk_plan_version: '2' });
      expect(planPrice(sub)).toBe('meterdesk_starter_monthly_v1');
      expect(schedule.phases[1]!.items.map((i) => [typeof i.price === 'string' ? i.price : i.price.id, i.quantity])).toContainEqual([await priceId(fx.s.stripe, 'meterdesk_seat_starter_monthly_v2'), 4]);
      expect(await seatOf(fx, s.subscriptionId)).toMatchObject({ lookupKey: 'meterdesk_seat_monthly_v1', quantity: 4 });
    }
    for (const t of tenants) expect(await versionOf(fx, t.organizationId)).toBe(1);
    expect(fx.s.standIn.store.all('subscription_schedule')).toHaveLength(3);

    // A third run changes nothing: the tenants are taken.
    const again = await finance.planLab.migrate(input);
    expect(again).toMatchObject({ moved: 0, scheduled: 0, already: 3 });

    // Renewals: each tenant lands on version 2 once, and stays there on the next renewal.
    for (const s of subs) {
      const end = (await fx.s.stripe.subscriptions.retrieve(s.subscriptionId)).items.data[0]!.current_period_end;
      await advance(fx, s.clockId, end + 3600);
      expect(planPrice(await fx.s.stripe.subscriptions.retrieve(s.subscriptionId))).toBe('meterdesk_starter_monthly_v2');
      expect(await seatOf(fx, s.subscriptionId)).toEqual({ lookupKey: 'meterdesk_seat_starter_monthly_v2', unitAmount: 700, quantity: 4 });
      await advance(fx, s.clockId, end + 31 * DAY + 3600);
    }
    for (const t of tenants) expect(await versionOf(fx, t.organizationId)).toBe(2);
    expect((await fx.prisma.planVersionMigration.findMany({ where: { planKey: 'starter', toVersion: 2 } })).map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(await finance.planLab.migrate(input)).toMatchObject({ moved: 0, scheduled: 0, already: 0, results: [] });
  });
});

describe.each(databaseTargets)('plan lab refusals on $name', (target) => {
  let f: EventsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('refuses lower roles, hostile draft input and any change to a published version; nothing is written', async () => {
    const fx = (f = await startEventsFixture(target));
    const tenant = await seedTenant(fx.t.app, 'acme');
    const staffOrg = { organizationId: (await fx.prisma.organization.create({ data: { slug: 'meterdesk', name: 'Meterdesk' } })).id, slug: 'meterdesk' };
    const carriers = {} as Record<PlatformRoleName, MemoryCarrier>;
    for (const role of ['support', 'finance'] as const) {
      const person = await seedPerson(fx.t.app, staffOrg, role);
      await fx.prisma.user.update({ where: { id: person.userId }, data: { platformRole: role } });
      carriers[role] = person.carrier;
    }
    const as = async (c: MemoryCarrier) => (await fx.t.client(c)).api;
    const finance = await as(carriers.finance);
    const support = await as(carriers.support);
    const owner = await as(tenant.people.owner.carrier);
    await fx.prisma.subscription.create({ data: { organizationId: tenant.organizationId, planKey: 'starter', status: 'active' } });
    const draft = await finance.planLab.createDraft({ planKey: 'starter', fromVersion: 1 });

    const before = await databaseFingerprint(fx.t.app);
    // Lower roles: support reads but cannot change; a tenant's owner sees nothing of the plan lab.
    expect((await support.planLab.overview()).length).toBe(PLANS.length);
    await refused(support.planLab.createDraft({ planKey: 'starter', fromVersion: 1 }), 'FORBIDDEN');
    await refused(support.planLab.saveDraft({ planKey: 'starter', version: draft.version, terms: cheaperStarter() }), 'FORBIDDEN');
    await refused(support.planLab.publish({ planKey: 'starter', version: draft.version, confirm: true }), 'FORBIDDEN');
    await refused(owner.planLab.overview(), 'FORBIDDEN');
    await refused(owner.planLab.migrate({ planKey: 'starter', toVersion: 1, tenants: { kind: 'chosen', organizationIds: [tenant.organizationId] }, when: 'now', reason: 'my own tenant' }), 'FORBIDDEN');

    // Hostile input to the draft editor: each refused with the field's own words.
    const save = (terms: unknown) => finance.planLab.saveDraft({ planKey: 'starter', version: draft.version, terms: terms as ReturnType<typeof cheaperStarter> });
    const base = cheaperStarter();
    await refused(save({ ...base, prices: { month: -100 } }), 'BAD_REQUEST', /cannot be negative/);
    await refused(save({ ...base, prices: { month: 1e15 } }), 'BAD_REQUEST', /too large/);
    await refused(save({ ...base, prices: { month: 19.99 } }), 'BAD_REQUEST', /whole number/);
    await refused(save({ ...base, quotas: { sms_sent: 1e300 } }), 'BAD_REQUEST', /too large/);
    await refused(save({ ...base, quotas: { not_a_metric: 5 } }), 'BAD_REQUEST', /Unknown metric/);
    await refused(save({ ...base, entitlements: { api_access: { enabled: true, limit: null, nested: { deeper: { $where: 'x' } } } } }), 'BAD_REQUEST', /nested/);
    await refused(save({ ...base, entitlements: { 'Robert"); DROP TABLE plans;--': { enabled: true, limit: null } } }), 'BAD_REQUEST', /feature name/);
    await refused(save({ ...base, name: 'Starter\u0000' }), 'BAD_REQUEST', /control characters/);
    await refused(save({ ...base, overagePolicy: 'free_for_all' }), 'BAD_REQUEST', /hard_cap or bill/);
    await refused(save({ ...base, __proto__: { admin: true }, extra: 1 }), 'BAD_REQUEST');
    await refused(save({ ...base, overagePolicy: 'bill', overageUnitPriceMicros: {} }), 'BAD_REQUEST', /unit price/);
    await refused(save({ ...base, seatPriceMinor: { month: -500, year: 9000 } }), 'BAD_REQUEST', /cannot be negative/);
    await refused(save({ ...base, seatPriceMinor: { month: 500 } }), 'BAD_REQUEST');
    await refused(finance.planLab.createDraft({ planKey: 'starter', fromVersion: 42 }), 'NOT_FOUND');
    await refused(finance.planLab.publish({ planKey: 'starter', version: draft.version, confirm: false as true }), 'BAD_REQUEST', /Confirm/);
    await refused(finance.planLab.migrate({ planKey: 'starter', toVersion: draft.version, tenants: { kind: 'all' }, when: 'now', reason: 'not yet published' }), 'PRECONDITION_FAILED', /only a published version/);
    expect(await databaseFingerprint(fx.t.app)).toEqual(before);

    // Published: immutable, in words from the use case and by the trigger beneath it.
    await finance.planLab.saveDraft({ planKey: 'starter', version: draft.version, terms: cheaperStarter() });
    await finance.planLab.publish({ planKey: 'starter', version: draft.version, confirm: true });
    await refused(finance.planLab.saveDraft({ planKey: 'starter', version: draft.version, terms: { ...cheaperStarter(), prices: { month: 100 } } }), 'CONFLICT', /published and cannot change/);
    await refused(finance.planLab.publish({ planKey: 'starter', version: draft.version, confirm: true }), 'CONFLICT');
    await expect(fx.t.app.services.db.query(`update plan_versions set terms = jsonb_set(terms, '{name}', '"x"') where plan_key = 'starter' and version = 1`)).rejects.toThrow(/immutable/);
    await expect(fx.t.app.services.db.query(`update plan_versions set status = 'draft' where plan_key = 'starter' and version = $1`, [draft.version])).rejects.toThrow(/immutable/);
    await expect(fx.t.app.services.db.query(`delete from plan_versions where plan_key = 'starter' and version = 1`)).rejects.toThrow(/cannot be deleted/);
    await expect(fx.t.app.services.db.query(`update plan_quotas set included = 1 where plan_key = 'starter' and version = $1 and metric = 'sms_sent'`, [draft.version])).rejects.toThrow(/immutable/);
    const v = await finance.planLab.version({ planKey: 'starter', version: draft.version });
    expect(v.terms.quotas.sms_sent).toBe(500);

    // Chosen ids that are not subscribers of the plan are named back and left alone.
    const other = await seedTenant(fx.t.app, 'globex');
    const result = await finance.planLab.migrate({ planKey: 'starter', toVersion: draft.version, tenants: { kind: 'chosen', organizationIds: [other.organizationId] }, when: 'now', reason: 'not a starter tenant' });
    expect(result).toMatchObject({ moved: 0, skipped: [other.organizationId] });
    expect(await fx.prisma.planVersionMigration.count()).toBe(0);
    // A tenant billed outside Stripe moves locally, now.
    const local = await finance.planLab.migrate({ planKey: 'starter', toVersion: draft.version, tenants: { kind: 'chosen', organizationIds: [tenant.organizationId] }, when: 'now', reason: 'comped tenant' });
    expect(local).toMatchObject({ moved: 1 });
    expect((await fx.prisma.subscription.findUniqueOrThrow({ where: { organizationId: tenant.organizationId } })).planVersion).toBe(draft.version);

    // At renewal, billed outside Stripe: scheduled for the period's end, moved by the job then, once.
    const later = await seedTenant(fx.t.app, 'umbrella');
    await fx.prisma.subscription.create({ data: { organizationId: later.organizationId, planKey: 'starter', status: 'active' } });
    const scheduled = await finance.planLab.migrate({ planKey: 'starter', toVersion: draft.version, tenants: { kind: 'all', fromVersion: 1 }, when: 'at_renewal', reason: 'comped tenants at renewal' });
    expect(scheduled).toMatchObject({ scheduled: 1, moved: 0 });
    const effectiveAt = scheduled.results[0]!.effectiveAt!;
    expect(effectiveAt.getTime()).toBeGreaterThan(fx.t.clock.now().getTime());
    expect(await applyDuePlanMigrations(fx.t.app.services.db, fx.t.clock)).toBe(0);
    fx.t.clock.set(new Date(effectiveAt.getTime() + 1000));
    expect(await applyDuePlanMigrations(fx.t.app.services.db, fx.t.clock)).toBe(1);
    expect(await applyDuePlanMigrations(fx.t.app.services.db, fx.t.clock)).toBe(0);
    expect((await fx.prisma.subscription.findUniqueOrThrow({ where: { organizationId: later.organizationId } })).planVersion).toBe(draft.version);
  });
});
