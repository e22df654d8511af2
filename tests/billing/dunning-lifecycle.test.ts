// The whole subscription lifecycle as a tenant lives it: Stripe's test clock (the stand-in's) moves
// a subscription through trial → active → past_due → unpaid → canceled; each state reaches the
// console only through the one event processor (polling here), and the metering engine — the
// single gate — lets sending through or blocks it accordingly. Delivered three times shuffled, the
// same events end in the same state as once in order.
import { afterEach, describe, expect, it } from 'vitest';
import { PLANS } from '../../server/billing/plan-catalog';
import { processStripeEvent, stripeEventSchema } from '../../server/billing/process-stripe-event';
import { getAccountState } from '../../server/metering/get-usage-state';
import { reserveUsage, reserveUsageInput } from '../../server/metering/reserve-usage';
import { databaseTargets } from '../helpers/databases';
import { shuffle, startEventsFixture, type EventsFixture } from './events-helpers';
import { DAY, priceId } from './lifecycle-helpers';

describe.each(databaseTargets)('dunning lifecycle mirrored and enforced on $name', (target) => {
  let f: EventsFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  async function advance(fixture: EventsFixture, clockId: string, to: number) {
    await fixture.s.stripe.testHelpers.testClocks.advance(clockId, { frozen_time: to });
    await expect.poll(async () => (await fixture.s.stripe.testHelpers.testClocks.retrieve(clockId)).status, { timeout: 5_000, interval: 5 }).toBe('ready');
  }

  it('trial → active → past_due → unpaid → canceled reaches metering through the event processor', async () => {
    const fx = (f = await startEventsFixture(target));
    const { stripe } = fx.s;
    const org = await fx.organization('dunning-co');
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: 'dunning lifecycle' });
    const customer = await stripe.customers.create({ name: 'Dunning Co', email: 'billing@dunning.test', test_clock: clock.id, metadata: { meterdesk_organization_id: org } });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: visa.id } });
    const starter = PLANS.find((p) => p.key === 'starter')!;
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: await priceId(stripe, starter.prices.month!.lookupKey), quantity: 1 }],
      trial_period_days: 14,
      metadata: { meterdesk_organization_id: org },
    });

    const send = async () => reserveUsage(fx.t.app.services.db, org, reserveUsageInput.parse({ metric: 'sms_sent', quantity: 1 }), fx.t.clock);
    const state = async () => {
      await fx.poll();
      return (await getAccountState(fx.t.app.services.db, org, fx.t.clock.now()))!;
    };

    expect(await state()).toMatchObject({ planKey: 'starter', status: 'trialing' });
    expect((await send()).status).toBe('reserved');

    // Trial over with a card on file: the first invoice is paid, the subscription is active.
    await advance(fx, clock.id, start + 14 * DAY + 7200);
    expect(await state()).toMatchObject({ planKey: 'starter', status: 'active' });
    expect((await send()).status).toBe('reserved');

    // The card starts failing: the renewal is not paid, the tenant is past due and cannot send.
    const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
    const periodEnd = (await stripe.subscriptions.retrieve(subscription.id)).items.data[0]!.current_period_end;
    await advance(fx, clock.id, periodEnd + 7200);
    expect(await state()).toMatchObject({ status: 'past_due' });
    expect(await send()).toMatchObject({ status: 'blocked', scope: 'past_due' });
    const mirror = await fx.mirror(org);
    expect(mirror.invoices.some((i) => i.status === 'open' && i.amountRemaining > 0n)).toBe(true);

    // Every retry fails (the stand-in's schedule: 3, 5 and 7 days): unpaid, still no sending.
    await advance(fx, clock.id, periodEnd + 16 * DAY);
    expect(await state()).toMatchObject({ status: 'unpaid' });
    expect(await send()).toMatchObject({ status: 'blocked', scope: 'unpaid' });

    // Canceled: history stays, nothing can be sent.
    await stripe.subscriptions.cancel(subscription.id);
    expect(await state()).toMatchObject({ status: 'canceled' });
    expect(await send()).toMatchObject({ status: 'blocked', scope: 'canceled' });

    // The same lifecycle's events, each three times and shuffled, into a second database: the
    // mirror ends exactly where the in-order run ended.
    const events = fx.events().map((e) => stripeEventSchema.parse(e));
    const g = await startEventsFixture(target, { standIn: fx.s });
    try {
      await g.organization('dunning-co', org);
      // The customer link comes from the first resynchronisation, as in the first database.
      await g.poll();
      for (const e of shuffle([...events, ...events, ...events], 11)) await processStripeEvent(g.ctx, e, 'webhook');
      const { subscription: theirs, invoices } = await g.mirror(org);
      const ours = await fx.mirror(org);
      expect(theirs).toMatchObject({ status: 'canceled', planKey: 'starter' });
      expect(theirs?.status).toBe(ours.subscription?.status);
      expect(invoices.map((i) => [i.providerInvoiceId, i.status])).toEqual(ours.invoices.map((i) => [i.providerInvoiceId, i.status]));
    } finally {
      await g.close();
    }
  });
});
