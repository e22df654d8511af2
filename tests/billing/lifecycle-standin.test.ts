// Lifecycle behaviour only the stand-in can pin down: the account's revenue-recovery settings
// (retry schedule, status after all retries fail), injected 5xx/429 faults, and the events each
// state change records. Real Stripe's settings live in its Dashboard; lifecycle.test.ts covers
// what both share.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { advanceClock, DAY, eventTypesFor, invoicesOf, openLifecycleEnv, startScenario, type LifecycleEnv } from './lifecycle-helpers';

describe('subscription lifecycle on the stand-in: dunning, faults, events', () => {
  let env: LifecycleEnv;
  afterEach(() => env?.close());

  it('renewal failed → past_due → every retry fails → unpaid → paid → active', async () => {
    env = await openLifecycleEnv('stand-in', { dunning: { retryDays: [3, 5, 7], subscriptionStatusAfterRetries: 'unpaid' } });
    const s = await startScenario(env, { plan: 'starter', card: 'pm_card_chargeCustomerFail', trialDays: 14 });
    await advanceClock(env, s.clockId, s.start + 14 * DAY + 60);
    expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('past_due');
    const [invoice] = await invoicesOf(env, s.subscriptionId);
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: s.start + 17 * DAY });
    await advanceClock(env, s.clockId, s.start + 14 * DAY + 8 * DAY + 60);
    expect(await env.stripe.invoices.retrieve(invoice!.id)).toMatchObject({ attempt_count: 3, next_payment_attempt: s.start + 29 * DAY });
    expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('past_due');
    await advanceClock(env, s.clockId, s.start + 29 * DAY + 60);
    expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('unpaid');
    expect(await env.stripe.invoices.retrieve(invoice!.id)).toMatchObject({ status: 'open', attempt_count: 4, next_payment_attempt: null });
    // An unpaid subscription's next invoice is created but not collected.
    await advanceClock(env, s.clockId, s.start + 50 * DAY);
    expect((await invoicesOf(env, s.subscriptionId))[0]).toMatchObject({ status: 'open', attempt_count: 0 });

    const visa = await env.stripe.paymentMethods.attach('pm_card_visa', { customer: s.customerId });
    await env.stripe.customers.update(s.customerId, { invoice_settings: { default_payment_method: visa.id } });
    const latest = (await invoicesOf(env, s.subscriptionId))[0]!;
    await env.stripe.invoices.pay(invoice!.id);
    expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('unpaid');
    await env.stripe.invoices.pay(latest.id);
    expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('active');
    expect(await eventTypesFor(env, s.subscriptionId, ['customer.subscription.updated', 'customer.subscription.trial_will_end'])).toEqual([
      'customer.subscription.trial_will_end',
      'customer.subscription.updated', // trial end: past_due
      'customer.subscription.updated', // retries exhausted: unpaid
      'customer.subscription.updated', // renewal while unpaid
      'customer.subscription.updated', // paid: active
    ]);
    const failedEvents = await eventTypesFor(env, invoice!.id, ['invoice.created', 'invoice.finalized', 'invoice.payment_failed', 'invoice.paid']);
    expect(failedEvents).toEqual(['invoice.created', 'invoice.finalized', 'invoice.payment_failed', 'invoice.payment_failed', 'invoice.payment_failed', 'invoice.payment_failed', 'invoice.paid']);
  });

  it('when retries run out with "cancel the subscription" and "mark uncollectible": canceled, invoice uncollectible', async () => {
    env = await openLifecycleEnv('stand-in', { dunning: { retryDays: [2], subscriptionStatusAfterRetries: 'canceled', invoiceStatusAfterRetries: 'uncollectible' } });
    const s = await startScenario(env, { plan: 'starter' });
    const failing = await env.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: s.customerId });
    await env.stripe.customers.update(s.customerId, { invoice_settings: { default_payment_method: failing.id } });
    const { currentPeriodEnd } = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
    await advanceClock(env, s.clockId, currentPeriodEnd.getTime() / 1000 + 3 * DAY);
    expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('canceled');
    const [invoice] = await invoicesOf(env, s.subscriptionId);
    expect(invoice).toMatchObject({ status: 'uncollectible', attempt_count: 2 });
    expect(await eventTypesFor(env, invoice!.id, ['invoice.marked_uncollectible'])).toEqual(['invoice.marked_uncollectible']);
    expect(await eventTypesFor(env, s.subscriptionId, ['customer.subscription.deleted'])).toEqual(['customer.subscription.deleted']);
    expect((await env.stripe.subscriptions.retrieve(s.subscriptionId)).cancellation_details).toMatchObject({ reason: 'payment_failed' });
  });

  it('500s before and after Stripe did the work, and 429s, during changePlan: one change, one invoice', async () => {
    env = await openLifecycleEnv('stand-in');
    const s = await startScenario(env, { plan: 'starter' });
    await advanceClock(env, s.clockId, s.start + 5 * DAY);
    const input = { subscriptionId: s.subscriptionId, planKey: 'pro' as const, interval: 'month' as const, activeMembers: 3 };
    const preview = await env.provider.previewChange(input);
    const path = `/v1/subscriptions/${s.subscriptionId}`;
    env.standIn!.failNext(1, 500, { match: { method: 'POST', path } });
    env.standIn!.failNext(1, 500, { match: { method: 'POST', path }, afterExecution: true });
    env.standIn!.failNext(2, 429, { match: { method: 'POST', path } });
    const result = await env.provider.changePlan({ ...input, when: 'now', prorationDate: preview.prorationDate, operationId: 'org-1:change:42' });
    expect(result).toMatchObject({ effective: 'now', amountDueMinor: preview.amountDueMinor });
    const updates = env.standIn!.requests.filter((r) => r.method === 'POST' && r.path === path);
    expect(new Set(updates.map((r) => r.idempotencyKey))).toEqual(new Set(['meterdesk-change-org-1:change:42']));
    // Carried out once (its answer lost to the injected 500), then answered from the idempotency cache.
    expect(updates.filter((r) => !r.injected && !r.replayed).map((r) => r.status)).toEqual([500]);
    expect(updates.at(-1)).toMatchObject({ status: 200, replayed: true });
    const changes = (await invoicesOf(env, s.subscriptionId)).filter((i) => i.billing_reason === 'subscription_update');
    expect(changes).toHaveLength(1);
    expect(changes[0]!.amount_paid).toBe(preview.amountDueMinor);
    expect(await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).toMatchObject({ planKey: 'pro' });
    // Pro bills overage: its metered prices came with the change.
    const sub = await env.stripe.subscriptions.retrieve(s.subscriptionId);
    expect(sub.items.data.filter((i) => i.price.recurring?.usage_type === 'metered').length).toBeGreaterThan(0);
  });

  it('the same operation id with other details is refused without showing the idempotency key', async () => {
    env = await openLifecycleEnv('stand-in');
    const s = await startScenario(env, { plan: 'starter' });
    await env.provider.applyCredit({ customerId: s.customerId, amountMinor: 500, currency: 'usd', reason: 'First', operationId: 'org-9:credit:1' });
    const error = await env.provider.applyCredit({ customerId: s.customerId, amountMinor: 700, currency: 'usd', reason: 'Other', operationId: 'org-9:credit:1' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already sent to Stripe with different details/) });
    expect((error as Error).message).not.toContain('org-9:credit:1');
    expect((await env.stripe.customers.retrieve(s.customerId)) as { balance: number }).toMatchObject({ balance: -500 });
  });

  it('a change to a yearly price resets the billing cycle: unused time credited, a full year charged now', async () => {
    env = await openLifecycleEnv('stand-in');
    const s = await startScenario(env, { plan: 'growth' });
    await advanceClock(env, s.clockId, s.start + 15 * DAY);
    const before = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
    const input = { subscriptionId: s.subscriptionId, planKey: 'growth' as const, interval: 'year' as const, activeMembers: 2 };
    const preview = await env.provider.previewChange(input);
    const [start, end] = [before.currentPeriodStart.getTime() / 1000, before.currentPeriodEnd.getTime() / 1000];
    const credit = -Math.round((5900 * (end - preview.prorationDate)) / (end - start));
    expect(preview.amountDueMinor).toBe(59000 + credit);
    const result = await env.provider.changePlan({ ...input, when: 'now', prorationDate: preview.prorationDate, operationId: 'yearly-1' });
    expect(result).toMatchObject({ amountDueMinor: 59000 + credit });
    expect(await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).toMatchObject({ interval: 'year', currentPeriodStart: new Date(preview.prorationDate * 1000) });
  });

  it('records the events of a schedule and of a refund with the object snapshots', async () => {
    env = await openLifecycleEnv('stand-in');
    const s = await startScenario(env, { plan: 'growth' });
    const { scheduleId } = (await env.provider.changePlan({ subscriptionId: s.subscriptionId, planKey: 'starter', interval: 'month', activeMembers: 2, when: 'period_end', operationId: 'sched-1' })) as { scheduleId: string };
    const { currentPeriodEnd } = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
    await advanceClock(env, s.clockId, currentPeriodEnd.getTime() / 1000 + 32 * DAY);
    expect(await eventTypesFor(env, scheduleId, ['subscription_schedule.created', 'subscription_schedule.updated', 'subscription_schedule.released'])).toEqual([
      'subscription_schedule.created', 'subscription_schedule.updated', 'subscription_schedule.updated', 'subscription_schedule.released',
    ]);
    const [invoice] = (await invoicesOf(env, s.subscriptionId)).filter((i) => i.status === 'paid');
    await env.provider.refund({ customerId: s.customerId, invoiceId: invoice!.id, amountMinor: 100, reason: 'test', operationId: 'refund-ev' });
    const events = await env.stripe.events.list({ types: ['charge.refunded'] });
    expect(events.data[0]!.data.object).toMatchObject({ object: 'charge', amount_refunded: 100, refunded: false });
    expect(events.data[0]!.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
  });

  it('answers lifecycle objects with every field the pinned SDK declares, and no others', async () => {
    env = await openLifecycleEnv('stand-in');
    const declared = JSON.parse(readFileSync(new URL('../stand-ins/stripe/spec/objects.json', import.meta.url), 'utf8')) as Record<string, { required: string[]; optional: string[] }>;
    const s = await startScenario(env, { plan: 'growth' });
    const [paid] = await invoicesOf(env, s.subscriptionId);
    const [payment] = (await env.stripe.invoicePayments.list({ invoice: paid!.id })).data;
    const intent = await env.stripe.paymentIntents.retrieve(payment!.payment.payment_intent as string);
    const charge = await env.stripe.charges.retrieve(intent.latest_charge as string);
    const refund = await env.stripe.refunds.create({ payment_intent: intent.id, amount: 100 });
    const pm = await env.stripe.paymentMethods.retrieve(charge.payment_method!);
    const txn = await env.stripe.customers.createBalanceTransaction(s.customerId, { amount: -100, currency: 'usd' });
    await env.provider.updateSeats({ subscriptionId: s.subscriptionId, activeMembers: 12, operationId: 'shape-seats' });
    const [item] = (await env.stripe.invoiceItems.list({ customer: s.customerId })).data;
    const preview = await env.provider.previewChange({ subscriptionId: s.subscriptionId, planKey: 'pro', interval: 'month', activeMembers: 12 });
    const previewInvoice = await env.stripe.invoices.createPreview({ subscription: s.subscriptionId });
    expect(preview.lines.length).toBeGreaterThan(0);
    const { scheduleId } = (await env.provider.changePlan({ subscriptionId: s.subscriptionId, planKey: 'starter', interval: 'month', activeMembers: 2, when: 'period_end', operationId: 'shape-sched' })) as { scheduleId: string };
    const schedule = await env.stripe.subscriptionSchedules.retrieve(scheduleId);
    const sub = await env.stripe.subscriptions.retrieve(s.subscriptionId);
    const objects: Array<[string, object]> = [
      ['invoice', paid!], ['invoice', previewInvoice], ['invoice_payment', payment!], ['payment_intent', intent], ['charge', charge], ['refund', refund],
      ['payment_method', pm], ['customer_balance_transaction', txn], ['invoiceitem', item!], ['subscription_schedule', schedule], ['subscription', sub],
      ['subscription_item', sub.items.data[1]!],
    ];
    for (const [type, object] of objects) {
      const fields = Object.keys(object).filter((k) => k !== 'lastResponse');
      const spec = declared[type]!;
      expect({ type, missing: spec.required.filter((f) => !fields.includes(f)) }).toEqual({ type, missing: [] });
      expect({ type, unknown: fields.filter((f) => !spec.required.includes(f) && !spec.optional.includes(f)) }).toEqual({ type, unknown: [] });
    }
  });

  it('proration_behavior none, create_prorations and always_invoice, and the next invoice previewed with pending prorations', async () => {
    env = await openLifecycleEnv('stand-in');
    const s = await startScenario(env, { plan: 'starter', extraSeats: 1 });
    await advanceClock(env, s.clockId, s.start + 10 * DAY);
    const sub = await env.stripe.subscriptions.retrieve(s.subscriptionId);
    const seatItem = sub.items.data.find((i) => i.quantity === 1 && i.price.unit_amount === 900)!;
    const { current_period_start: start, current_period_end: end } = seatItem;
    const at = s.start + 10 * DAY;
    const part = (amount: number) => Math.round((amount * (end - at)) / (end - start));

    await env.stripe.subscriptions.update(s.subscriptionId, { items: [{ id: seatItem.id, quantity: 2 }], proration_behavior: 'none' });
    expect((await env.stripe.invoiceItems.list({ customer: s.customerId, pending: true })).data).toEqual([]);

    await env.stripe.subscriptions.update(s.subscriptionId, { items: [{ id: seatItem.id, quantity: 4 }], proration_behavior: 'create_prorations', proration_date: at });
    const pending = (await env.stripe.invoiceItems.list({ customer: s.customerId, pending: true })).data;
    expect(pending.map((i) => [i.amount, i.proration]).sort()).toEqual([[-part(1800), true], [part(3600), true]].sort());

    const next = await env.stripe.invoices.createPreview({ subscription: s.subscriptionId });
    expect(next).toMatchObject({ billing_reason: 'subscription_cycle', total: part(3600) - part(1800) + 2900 + 4 * 900 });

    const always = await env.stripe.subscriptions.update(s.subscriptionId, { items: [{ id: seatItem.id, quantity: 5 }], proration_behavior: 'always_invoice', proration_date: at });
    const invoice = await env.stripe.invoices.retrieve(always.latest_invoice as string);
    // always_invoice bills the pending prorations with the new ones.
    expect(invoice).toMatchObject({ billing_reason: 'subscription_update', status: 'paid', total: part(3600) - part(1800) + part(4500) - part(3600) });
    expect((await env.stripe.invoiceItems.list({ customer: s.customerId, pending: true })).data).toEqual([]);
    const outside = await env.stripe.subscriptions.update(s.subscriptionId, { items: [{ id: seatItem.id, quantity: 6 }], proration_date: end + 10 }).catch((e: unknown) => e);
    expect(outside).toMatchObject({ statusCode: 400, param: 'proration_date' });
  });

  it('trial end with pause records customer.subscription.paused; cancel records deleted with the snapshot', async () => {
    env = await openLifecycleEnv('stand-in');
    const paused = await startScenario(env, { plan: 'starter', trialDays: 7, card: null, missingPaymentMethod: 'pause' });
    await advanceClock(env, paused.clockId, paused.start + 8 * DAY);
    expect(await eventTypesFor(env, paused.subscriptionId, ['customer.subscription.paused', 'customer.subscription.updated'])).toEqual(['customer.subscription.updated', 'customer.subscription.paused']);
    await expect(env.provider.resume({ subscriptionId: paused.subscriptionId, operationId: 'resume-paused' })).rejects.toMatchObject({ message: expect.stringMatching(/add one through the billing portal/) });
    const canceled = await startScenario(env, { plan: 'starter', trialDays: 7, card: null, missingPaymentMethod: 'cancel' });
    await advanceClock(env, canceled.clockId, canceled.start + 8 * DAY);
    const events = await env.stripe.events.list({ types: ['customer.subscription.deleted'] });
    expect(events.data.find((e) => (e.data.object as { id: string }).id === canceled.subscriptionId)!.data.object).toMatchObject({ status: 'canceled', ended_at: canceled.start + 7 * DAY });
  });
});
