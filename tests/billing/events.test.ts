// The one Stripe event processor, reached by polling and by signed webhooks, on PGlite and
// PostgreSQL against the stand-in.
import { afterEach, describe, expect, it } from 'vitest';
import { processStripeEvent, stripeEventSchema } from '../../server/billing/process-stripe-event';
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
