// Billing's outbound webhook events: the Stripe stand-in's test clock moves a subscription through
// checkout, a paid renewal and a failed one; the event processor (polling) emits
// billing.subscription.updated, billing.invoice.paid and billing.invoice.payment_failed inside the
// Stripe event's transaction, and a receiver gets each once, signed with the documented recipe —
// even when Stripe's events are processed again.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PLANS } from '../../server/billing/plan-catalog';
import { processStripeEvent, stripeEventSchema } from '../../server/billing/process-stripe-event';
import { deliverDueWebhooks } from '../../server/webhooks/deliver-webhooks';
import { databaseTargets } from '../helpers/databases';
import { seedTenant } from '../helpers/tenants';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { startEventsFixture, type EventsFixture } from '../billing/events-helpers';
import { priceId } from '../billing/lifecycle-helpers';

function receiverVerifies(secret: string, rawBody: string, header: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${rawBody}`).digest('hex');
  return Math.abs(nowSeconds - Number(parts.t)) <= 300 && expected.length === parts.v1!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1!));
}

const postgresTarget = databaseTargets.find((d) => d.name === 'postgres');

describe.runIf(postgresTarget)('billing webhook events (PostgreSQL)', () => {
  let f: EventsFixture | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    await f?.close();
    f = undefined;
  });

  it('emits subscription changes, paid and failed invoices once each, signed', async () => {
    const fx = (f = await startEventsFixture(postgresTarget!));
    receiver = await startWebhookReceiver();
    const tenant = await seedTenant(fx.t.app, 'billhooks');
    const org = tenant.organizationId;
    const owner = await fx.t.app.createCaller(tenant.people.owner.carrier);
    await owner.webhooks.setSettings({ allowPrivateTargets: true });
    const { secret } = await owner.webhooks.create({ url: receiver.url, events: ['billing.subscription.updated', 'billing.invoice.paid', 'billing.invoice.payment_failed'] });

    const { stripe } = fx.s;
    const start = Math.floor(Date.now() / 1000);
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: 'billing webhooks' });
    const customer = await stripe.customers.create({ name: 'Bill Hooks', email: 'billing@hooks.test', test_clock: clock.id, metadata: { meterdesk_organization_id: org } });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: visa.id } });
    const starter = PLANS.find((p) => p.key === 'starter')!;
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: await priceId(stripe, starter.prices.month!.lookupKey), quantity: 1 }], metadata: { meterdesk_organization_id: org } });
    const advance = async (to: number) => {
      await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: to });
      await expect.poll(async () => (await stripe.testHelpers.testClocks.retrieve(clock.id)).status, { timeout: 5_000, interval: 5 }).toBe('ready');
    };
    await fx.poll();
    // The card fails from the first renewal on: the invoice is not paid and the tenant is past due.
    const failing = await stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
    const periodEnd = (await stripe.subscriptions.retrieve(subscription.id)).items.data[0]!.current_period_end;
    await advance(periodEnd + 7200);
    await fx.poll();
    // Every Stripe event processed again (as a webhook would redeliver them): nothing new is emitted.
    for (const e of fx.events()) await processStripeEvent(fx.ctx, stripeEventSchema.parse(e), 'webhook');

    // Deliveries are due at the time each change was read; the app's clock catches up.
    fx.t.clock.set(new Date(Date.now() + 60_000));
    while ((await deliverDueWebhooks({ ...fx.t.app.services, webhookDelivery: { timeoutMs: 2000 } })) > 0);
    const received = receiver.received.map((r) => ({ ...r, payload: JSON.parse(r.body) as { id: string; type: string; organizationId: string; data: Record<string, any> } }));
    const now = Math.floor(fx.t.clock.now().getTime() / 1000);
    for (const r of received) {
      expect(receiverVerifies(secret, r.body, r.headers['meterdesk-signature'] as string, now)).toBe(true);
      expect(r.payload.organizationId).toBe(org);
    }
    const of = (type: string) => received.filter((r) => r.payload.type === type).map((r) => r.payload.data);
    const paid = of('billing.invoice.paid');
    const failed = of('billing.invoice.payment_failed');
    expect(paid.length).toBeGreaterThanOrEqual(1);
    expect(paid[0]!.invoice).toMatchObject({ status: 'paid', currency: 'usd', amountRemaining: 0 });
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]!.invoice).toMatchObject({ status: 'open' });
    expect(failed[0]!.invoice.amountRemaining).toBeGreaterThan(0);
    // One billing.invoice.* per Stripe invoice event, never two for one (redelivered events emit nothing).
    const stripeIds = [...paid, ...failed].map((d) => d.stripeEventId);
    expect(new Set(stripeIds).size).toBe(stripeIds.length);
    const updates = of('billing.subscription.updated');
    expect(updates[0]).toMatchObject({ subscription: { planKey: 'starter', status: 'active', providerSubscriptionId: subscription.id } });
    expect(updates.at(-1)).toMatchObject({ subscription: { status: 'past_due' }, previous: { status: 'active' } });
    // Each emitted update is a real change from the one before.
    for (const u of updates) expect(JSON.stringify(u.subscription)).not.toBe(JSON.stringify(u.previous));
    expect(new Set(updates.map((u) => u.stripeEventId)).size).toBe(updates.length);
  });
});
