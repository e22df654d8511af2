// The one Stripe event processor, reached by polling and by signed webhooks, on PGlite and
// PostgreSQL against the stand-in.
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { setLogSink } from '../../server/logging/log-error';
import { processStripeEvent, stripeEventSchema } from '../../server/billing/process-stripe-event';
import { getAccountState } from '../../server/metering/get-usage-state';
import { databaseTargets } from '../helpers/databases';
import { shuffle, startEventsFixture, type EventsFixture } from './events-helpers';

describe.each(databaseTargets)('Stripe events on $name', (target) => {
  let f: EventsFixture;
  afterEach(() => f?.close());

  it('mirrors a completed checkout through polling', async () => {
    f = await startEventsFixture(target);
    const org = await f.organization('poll-co');
    const first = await f.poll(); // establishes the cursor
    expect(first.ran).toBe(true);
    const { customerId, subscriptionId } = await f.subscribe(org, 'growth', { extraSeats: 2 });
    const report = await f.poll();
    expect(report.outcomes.every((o) => o.status === 'processed' || o.status === 'ignored')).toBe(true);
    expect(report.outcomes.map((o) => o.type)).toContain('checkout.session.completed');
    const m = await f.mirror(org);
    expect(m.subscription).toMatchObject({
      planKey: 'growth', status: 'active', provider: 'stripe', providerCustomerId: customerId, providerSubscriptionId: subscriptionId,
      providerStatus: 'active', providerPriceLookupKey: 'meterdesk_growth_monthly_v1', billingInterval: 'month', seatQuantity: 2, cancelAtPeriodEnd: false,
    });
    expect(m.subscription!.currentPeriodEnd!.getTime()).toBeGreaterThan(m.subscription!.currentPeriodStart!.getTime());
    expect(m.customer).toMatchObject({ providerCustomerId: customerId, email: 'billing@example.test', country: 'FR', isBusiness: true, defaultPmBrand: 'visa', defaultPmLast4: '4242' });
    expect(m.invoices).toHaveLength(1);
    expect(m.invoices[0]).toMatchObject({ status: 'paid', currency: 'usd', amountDue: 5900n + 2n * 900n, amountPaid: 5900n + 2n * 900n, amountRemaining: 0n });
    expect(m.paymentMethods).toEqual([expect.objectContaining({ brand: 'visa', last4: '4242', providerCustomerId: customerId })]);
    // The change is audited as a system action.
    const audit = await f.prisma.auditEvent.findMany({ where: { organizationId: org, action: 'billing.subscription_changed' } });
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit.every((a) => a.actorUserId === null)).toBe(true);
    // The metering engine, the single gate, reads the same row.
    expect(await getAccountState(f.t.app.services.db, org, f.t.clock.now())).toMatchObject({ planKey: 'growth', status: 'active' });
    // A second run finds nothing new and changes nothing.
    const again = await f.poll();
    expect(again.outcomes).toEqual([]);
  });

  it('ends in the state of once in order when every event arrives three times, shuffled', async () => {
    f = await startEventsFixture(target);
    const org = await f.organization('shuffle-co');
    const { subscriptionId } = await f.subscribe(org, 'starter', { trialDays: 14 });
    await f.s.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    await f.s.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false, metadata: { note: 'kept' } });
    const growth = (await f.s.stripe.prices.list({ lookup_keys: ['meterdesk_growth_monthly_v1'] })).data[0]!;
    const sub = await f.s.stripe.subscriptions.retrieve(subscriptionId);
    await f.s.stripe.subscriptions.update(subscriptionId, { items: [{ id: sub.items.data[0]!.id, price: growth.id }], trial_end: 'now' });
    const events = f.events().map((e) => stripeEventSchema.parse(e));

    const deliveries = shuffle([...events, ...events, ...events], 7);
    const outcomes = [];
    for (const e of deliveries) outcomes.push(await processStripeEvent(f.ctx, e, 'webhook'));
    const shuffled = await f.mirror(org);
    expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(events.length * 2);

    // The same events once, in order, into a second database with the same organization.
    const g = await startEventsFixture(target, { standIn: f.s });
    try {
      await g.organization('shuffle-co', org);
      for (const e of events) await processStripeEvent(g.ctx, e, 'webhook');
      expect(await g.mirror(org)).toEqual(shuffled);
    } finally {
      await g.close();
    }
    expect(shuffled.subscription).toMatchObject({ planKey: 'growth', status: 'active', cancelAtPeriodEnd: false, trialEndsAt: null });
    const rows = await f.prisma.billingEvent.findMany();
    expect(rows).toHaveLength(events.length);
    expect(rows.every((r) => r.attempts === 1 && r.status !== 'failed')).toBe(true);
  });
});

describe.each(databaseTargets)('Stripe event polling on $name', (target) => {
  let f: EventsFixture;
  afterEach(() => f?.close());

  it('mirrors a cancellation, then a new subscription; a late event of the ended one changes nothing', async () => {
    f = await startEventsFixture(target);
    const org = await f.organization('churn-co');
    await f.poll();
    const { customerId, subscriptionId: old } = await f.subscribe(org, 'starter');
    await f.s.stripe.subscriptions.cancel(old);
    await f.poll();
    expect((await f.mirror(org)).subscription).toMatchObject({ providerSubscriptionId: old, status: 'canceled', endedAt: expect.any(Date), canceledAt: expect.any(Date) });
    expect(await getAccountState(f.t.app.services.db, org, f.t.clock.now())).toMatchObject({ status: 'canceled' });

    const pro = (await f.s.stripe.prices.list({ lookup_keys: ['meterdesk_pro_yearly_v1'] })).data[0]!;
    const renewed = await f.s.stripe.subscriptions.create({ customer: customerId, items: [{ price: pro.id }], metadata: { meterdesk_organization_id: org } });
    await f.poll();
    const live = await f.mirror(org);
    expect(live.subscription).toMatchObject({ providerSubscriptionId: renewed.id, planKey: 'pro', billingInterval: 'year', status: 'active', endedAt: null });

    // The old subscription's deletion, delivered again late (as a new event id would be, e.g. from
    // a replay): applied after the live one, it must not take the organization back to canceled.
    const deleted = f.events().find((e) => e.type === 'customer.subscription.deleted')!;
    const replay = stripeEventSchema.parse({ ...deleted, id: 'evt_latereplay1' });
    expect(await processStripeEvent(f.ctx, replay, 'webhook')).toMatchObject({ status: 'processed' });
    expect(await f.mirror(org)).toEqual(live);
  });

  it('starts from the time of its resynchronisation when Stripe had no event in the window', async () => {
    f = await startEventsFixture(target);
    // Everything the stand-in did so far (the catalog) is older than 30 days from here.
    const later = Math.floor(Date.now() / 1000) + 31 * 86_400;
    f.s.standIn.store.now = () => later;
    f.t.clock.set(new Date(later * 1000));
    const first = await f.poll();
    expect(first.resync).toMatchObject({ customers: 0 });
    expect(first.cursor).toBeNull();
    const org = await f.organization('quiet-co');
    await f.subscribe(org, 'starter');
    const next = await f.poll();
    expect(next.resync).toBeNull();
    expect(next.outcomes.map((o) => o.type)).toContain('checkout.session.completed');
    expect(next.cursor).toBe(f.events().at(-1)!.id);
    expect((await f.mirror(org)).subscription).toMatchObject({ planKey: 'starter', status: 'active' });
  });

  it('polls as a background job of the app once Stripe is configured', async () => {
    f = await startEventsFixture(target);
    const org = await f.organization('job-co');
    await f.subscribe(org, 'starter');
    const stop = f.t.app.startBackgroundJobs(25);
    onTestFinished(stop);
    await vi.waitFor(async () => expect((await f.mirror(org)).subscription).toMatchObject({ planKey: 'starter', status: 'active' }), { timeout: 20_000, interval: 25 });
    await stop();
  });

  it('records a failing event, moves on, and retries it once its backoff has passed', async () => {
    onTestFinished(setLogSink(() => {}));
    f = await startEventsFixture(target);
    const org = await f.organization('backoff-co');
    await f.poll();
    const { customerId } = await f.s.provider.createCustomer({ organizationId: org, name: 'Backoff Co', email: null });
    f.s.standIn.failNext(2, 503, { match: { method: 'GET', path: `/v1/customers/${customerId}` } });
    const session = await f.s.provider.createCheckoutSession({ organizationId: org, customerId, planKey: 'starter', interval: 'month', successUrl: 'http://x/ok', cancelUrl: 'http://x/no' });
    f.s.standIn.completeCheckoutSession(session.id);

    const first = await f.poll();
    const failedIds = first.outcomes.filter((o) => o.status === 'failed').map((o) => o.eventId);
    expect(failedIds).toHaveLength(2);
    const state = await f.prisma.billingSyncState.findUniqueOrThrow({ where: { provider: 'stripe' } });
    expect(state.lastEventId).toBe(f.events().at(-1)!.id); // the cursor moved past them

    const early = await f.poll(); // backoff not over: nothing retried
    expect(early.retried).toEqual([]);
    f.t.clock.advance(31_000);
    const later = await f.poll();
    expect(later.retried.map((o) => [o.eventId, o.status]).sort()).toEqual(failedIds.map((id) => [id, 'processed']).sort());
    expect(await f.prisma.billingEvent.count({ where: { status: 'failed' } })).toBe(0);
    expect((await f.mirror(org)).subscription).toMatchObject({ planKey: 'starter', status: 'active' });
  });

  it('resynchronises from the objects on the first run and when the cursor is older than 30 days', async () => {
    f = await startEventsFixture(target);
    const org = await f.organization('resync-co');
    const { subscriptionId } = await f.subscribe(org, 'starter');
    // First run: no cursor; the customer is found by our metadata and mirrored from its objects.
    const first = await f.poll();
    expect(first.resync).toMatchObject({ customers: 1, subscriptions: 1, invoices: 1, failed: [] });
    expect(first.outcomes).toEqual([]);
    expect((await f.mirror(org)).subscription).toMatchObject({ planKey: 'starter', status: 'active', providerSubscriptionId: subscriptionId });

    // The poller stops; changes happen; 31 days pass and their events leave Stripe's window.
    await f.s.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    const later = Math.floor(Date.now() / 1000) + 31 * 86_400;
    f.s.standIn.store.now = () => later;
    f.t.clock.set(new Date(later * 1000));
    const resumed = await f.poll();
    expect(resumed.resync).toMatchObject({ customers: 1, failed: [] });
    expect(resumed.outcomes).toEqual([]);
    expect((await f.mirror(org)).subscription).toMatchObject({ cancelAtPeriodEnd: true });
    const state = await f.prisma.billingSyncState.findUniqueOrThrow({ where: { provider: 'stripe' } });
    expect(state.lastResyncAt).toEqual(new Date(later * 1000));

    // From there on, events again.
    await f.s.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false });
    const next = await f.poll();
    expect(next.resync).toBeNull();
    expect(next.outcomes).toEqual([expect.objectContaining({ type: 'customer.subscription.updated', status: 'processed' })]);
    expect((await f.mirror(org)).subscription).toMatchObject({ cancelAtPeriodEnd: false });
  });
});
