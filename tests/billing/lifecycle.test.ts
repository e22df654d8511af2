// The subscription lifecycle at the provider level: StripeProvider with the real `stripe`
// client against a test clock — the stand-in's always, real Stripe test mode's when
// STRIPE_TEST_SECRET_KEY is set (see lifecycle-helpers.ts). Time moves by advancing the clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors';
import { advanceClock, clockTime, DAY, eventTypesFor, invoicesOf, openLifecycleEnv, startScenario, TARGETS, type LifecycleEnv } from './lifecycle-helpers';

const seat = 900;
// Stripe finalizes a renewal invoice about an hour after creating it: move well past that.
const HOURS_2 = 2 * 3600;
const prices = { starter: 2900, growth: 5900, pro: 9900 };

for (const target of TARGETS) {
  describe.skipIf(!!target.skip)(`subscription lifecycle on ${target.name}${target.skip ? ` (skipped: ${target.skip})` : ''}`, () => {
    let env: LifecycleEnv;
    beforeAll(async () => {
      env = await openLifecycleEnv(target.name);
    }, 120_000);
    afterAll(() => env?.close());

    it('trial → active when a card is on file, with trial_will_end three days before', async () => {
      const s = await startScenario(env, { plan: 'growth', trialDays: 14 });
      expect(await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).toMatchObject({ status: 'trialing', planKey: 'growth', interval: 'month', trialEnd: new Date((s.start + 14 * DAY) * 1000) });
      await advanceClock(env, s.clockId, s.start + 11 * DAY + HOURS_2);
      expect(await eventTypesFor(env, s.subscriptionId, ['customer.subscription.trial_will_end'])).toEqual(['customer.subscription.trial_will_end']);
      await advanceClock(env, s.clockId, s.start + 14 * DAY + HOURS_2);
      const status = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      expect(status).toMatchObject({ status: 'active', trialEnd: null, currentPeriodStart: new Date((s.start + 14 * DAY) * 1000) });
      const [renewal] = await invoicesOf(env, s.subscriptionId);
      expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid', amount_paid: prices.growth });
    });

    for (const [behavior, expected] of [['cancel', 'canceled'], ['pause', 'paused'], ['create_invoice', 'past_due']] as const) {
      it(`trial end without a payment method, end_behavior ${behavior} → ${expected}`, async () => {
        const s = await startScenario(env, { plan: 'starter', trialDays: 7, card: null, missingPaymentMethod: behavior });
        await advanceClock(env, s.clockId, s.start + 7 * DAY + HOURS_2);
        expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe(expected);
        const invoices = await invoicesOf(env, s.subscriptionId);
        if (behavior === 'create_invoice') expect(invoices[0]).toMatchObject({ billing_reason: 'subscription_cycle', status: 'open', amount_remaining: prices.starter });
        else expect(invoices.filter((i) => i.billing_reason === 'subscription_cycle')).toEqual([]);
      });
    }

    it('active → renewal paid, invoices listed with numbers, links and periods; the card shows masked', async () => {
      const s = await startScenario(env, { plan: 'starter' });
      const before = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      await advanceClock(env, s.clockId, before.currentPeriodEnd.getTime() / 1000 + HOURS_2);
      const after = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      expect(after).toMatchObject({ status: 'active', currentPeriodStart: before.currentPeriodEnd });
      const { invoices, hasMore } = await env.provider.listInvoices({ customerId: s.customerId });
      expect(hasMore).toBe(false);
      expect(invoices).toHaveLength(2);
      expect(invoices[0]).toMatchObject({ status: 'paid', totalMinor: prices.starter, amountPaidMinor: prices.starter, currency: 'usd', billingReason: 'subscription_cycle', periodStart: before.currentPeriodEnd, periodEnd: after.currentPeriodEnd });
      expect(invoices[0]!.number).toMatch(env.standIn ? /-0002$/ : /\S/);
      expect(invoices[0]!.hostedUrl).toMatch(/^https?:\/\//);
      expect(invoices[0]!.pdfUrl).toMatch(/^https?:\/\//);
      expect(await env.provider.getDefaultPaymentMethod({ customerId: s.customerId })).toEqual({ brand: 'visa', last4: '4242', expMonth: expect.any(Number), expYear: expect.any(Number) });
      const page = await env.provider.listInvoices({ customerId: s.customerId, limit: 1 });
      expect(page).toMatchObject({ hasMore: true, invoices: [{ id: invoices[0]!.id }] });
      await expect(env.provider.listInvoices({ customerId: s.customerId, limit: 1000 })).rejects.toMatchObject({ details: { field: 'limit' } });
    });

    it('renewal failed → past_due → retries → paid with a new card → active', async () => {
      const s = await startScenario(env, { plan: 'starter' });
      const failing = await env.stripe.paymentMethods.attach('pm_card_chargeCustomerFail', { customer: s.customerId });
      await env.stripe.customers.update(s.customerId, { invoice_settings: { default_payment_method: failing.id } });
      const { currentPeriodEnd } = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      await advanceClock(env, s.clockId, currentPeriodEnd.getTime() / 1000 + HOURS_2);
      expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('past_due');
      const [failed] = await invoicesOf(env, s.subscriptionId);
      expect(failed).toMatchObject({ status: 'open', attempt_count: 1, amount_remaining: prices.starter });
      expect(await eventTypesFor(env, failed!.id, ['invoice.payment_failed'])).toContain('invoice.payment_failed');
      const visa = await env.stripe.paymentMethods.attach('pm_card_visa', { customer: s.customerId });
      await env.stripe.customers.update(s.customerId, { invoice_settings: { default_payment_method: visa.id } });
      await env.stripe.invoices.pay(failed!.id);
      expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('active');
    });

    it('upgrade now: the invoice charges exactly the previewed, prorated amount', async () => {
      const s = await startScenario(env, { plan: 'starter' });
      await advanceClock(env, s.clockId, s.start + 10 * DAY + 1234);
      const before = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      const input = { subscriptionId: s.subscriptionId, planKey: 'growth' as const, interval: 'month' as const, activeMembers: 2 };
      const preview = await env.provider.previewChange(input);
      const at = preview.prorationDate;
      expect(at).toBe(await clockTime(env, s.clockId));
      const start = before.currentPeriodStart.getTime() / 1000;
      const end = before.currentPeriodEnd.getTime() / 1000;
      // Stripe's proration: unused time on the old price credited, remaining time on the new one charged, by the second.
      const credit = -Math.round((prices.starter * (end - at)) / (end - start));
      const charge = Math.round((prices.growth * (end - at)) / (end - start));
      expect(preview.lines.map((l) => [l.amountMinor, l.proration])).toEqual([[credit, true], [charge, true]]);
      expect(preview).toMatchObject({ amountDueMinor: credit + charge, totalMinor: credit + charge, currency: 'usd' });
      // Time passes between the preview and the confirmation: the proration date keeps the amount.
      await advanceClock(env, s.clockId, at + 600);
      const result = await env.provider.changePlan({ ...input, when: 'now', prorationDate: preview.prorationDate, operationId: `upgrade-${s.subscriptionId}` });
      expect(result).toMatchObject({ effective: 'now', amountDueMinor: preview.amountDueMinor, invoiceStatus: 'paid', subscriptionStatus: 'active' });
      // The same operation again (a lost answer, a double click) answers the same change, charges nothing more.
      expect(await env.provider.changePlan({ ...input, when: 'now', prorationDate: preview.prorationDate, operationId: `upgrade-${s.subscriptionId}` })).toEqual(result);
      expect((await invoicesOf(env, s.subscriptionId)).filter((i) => i.billing_reason === 'subscription_update')).toHaveLength(1);
      const invoice = await env.stripe.invoices.retrieve((result as { invoiceId: string }).invoiceId);
      expect(invoice).toMatchObject({ billing_reason: 'subscription_update', amount_paid: preview.amountDueMinor });
      expect(await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).toMatchObject({ planKey: 'growth', currentPeriodEnd: before.currentPeriodEnd });
      await expect(env.provider.changePlan({ ...input, when: 'now', operationId: `again-${s.subscriptionId}` })).rejects.toMatchObject({ code: 'CONFLICT', message: 'You are already on the Growth plan, billed monthly.' });
    });

    it('refuses a plan change below the active member count, to Free and to Enterprise, in words', async () => {
      const s = await startScenario(env, { plan: 'growth' });
      const base = { subscriptionId: s.subscriptionId, interval: 'month' as const, when: 'now' as const, operationId: 'op-refused' };
      await expect(env.provider.changePlan({ ...base, planKey: 'starter', activeMembers: 5, seats: 3 })).rejects.toMatchObject({
        code: 'BAD_REQUEST', details: { field: 'seats' }, message: 'The Starter plan with 3 seats cannot seat your 5 active members: choose at least 5 seats, or remove members first.',
      });
      await expect(env.provider.changePlan({ ...base, planKey: 'free', activeMembers: 1 })).rejects.toMatchObject({ message: expect.stringMatching(/cancel it at the end of the period/) });
      await expect(env.provider.changePlan({ ...base, planKey: 'enterprise', activeMembers: 1 })).rejects.toMatchObject({ message: expect.stringMatching(/contact sales/) });
      await expect(env.provider.changePlan({ ...base, planKey: 'pro', activeMembers: 1, operationId: 'bad key with spaces' })).rejects.toMatchObject({ details: { field: 'operationId' } });
      expect(await invoicesOf(env, s.subscriptionId)).toHaveLength(1);
    });

    it('downgrade at period end: a schedule applies the new plan at the boundary, then releases', async () => {
      const s = await startScenario(env, { plan: 'growth' });
      const before = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      const result = await env.provider.changePlan({ subscriptionId: s.subscriptionId, planKey: 'starter', interval: 'month', activeMembers: 4, when: 'period_end', operationId: `down-${s.subscriptionId}` });
      expect(result).toMatchObject({ effective: 'period_end', effectiveAt: before.currentPeriodEnd });
      expect(await env.provider.changePlan({ subscriptionId: s.subscriptionId, planKey: 'starter', interval: 'month', activeMembers: 4, when: 'period_end', operationId: `down-${s.subscriptionId}` })).toEqual(result);
      expect(await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).toMatchObject({ planKey: 'growth', pendingChange: { planKey: 'starter', effectiveAt: before.currentPeriodEnd } });
      await expect(env.provider.changePlan({ subscriptionId: s.subscriptionId, planKey: 'starter', interval: 'month', activeMembers: 4, when: 'period_end', operationId: `down2-${s.subscriptionId}` })).rejects.toMatchObject({ code: 'CONFLICT' });
      await advanceClock(env, s.clockId, before.currentPeriodEnd.getTime() / 1000 + HOURS_2);
      const after = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      expect(after).toMatchObject({ status: 'active', planKey: 'starter', extraSeats: 1 });
      const [renewal] = await invoicesOf(env, s.subscriptionId);
      expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: prices.starter + seat });
      await advanceClock(env, s.clockId, after.currentPeriodEnd.getTime() / 1000 + HOURS_2);
      const sub = await env.stripe.subscriptions.retrieve(s.subscriptionId);
      expect(sub.schedule).toBeNull();
      expect(await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).toMatchObject({ status: 'active', planKey: 'starter', pendingChange: null });
    });

    it('cancel at period end, resume, cancel again: canceled at the boundary', async () => {
      const s = await startScenario(env, { plan: 'starter' });
      const op = (n: string) => `${n}-${s.subscriptionId}`;
      expect(await env.provider.cancel({ subscriptionId: s.subscriptionId, atPeriodEnd: true, operationId: op('c1') })).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
      expect(await env.provider.resume({ subscriptionId: s.subscriptionId, operationId: op('r1') })).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
      const again = await env.provider.cancel({ subscriptionId: s.subscriptionId, atPeriodEnd: true, operationId: op('c2') });
      await advanceClock(env, s.clockId, again.currentPeriodEnd.getTime() / 1000 + HOURS_2);
      expect((await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).status).toBe('canceled');
      expect(await eventTypesFor(env, s.subscriptionId, ['customer.subscription.deleted'])).toEqual(['customer.subscription.deleted']);
      expect(await invoicesOf(env, s.subscriptionId)).toHaveLength(1);
      await expect(env.provider.resume({ subscriptionId: s.subscriptionId, operationId: op('r2') })).rejects.toMatchObject({ message: expect.stringMatching(/already ended/) });
    });

    it('cancel now', async () => {
      const s = await startScenario(env, { plan: 'starter' });
      expect(await env.provider.cancel({ subscriptionId: s.subscriptionId, atPeriodEnd: false, operationId: `now-${s.subscriptionId}`, comment: 'Closing the account' })).toMatchObject({ status: 'canceled' });
      expect((await env.stripe.subscriptions.retrieve(s.subscriptionId)).cancellation_details).toMatchObject({ comment: 'Closing the account' });
    });

    it('seats follow members: extra seats prorated onto the next invoice', async () => {
      const s = await startScenario(env, { plan: 'growth' });
      await advanceClock(env, s.clockId, s.start + 20 * DAY);
      const before = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      const at = await clockTime(env, s.clockId);
      expect(await env.provider.updateSeats({ subscriptionId: s.subscriptionId, activeMembers: 13, operationId: `seats-${s.subscriptionId}-1` })).toEqual({ extraSeats: 3, changed: true });
      expect(await env.provider.updateSeats({ subscriptionId: s.subscriptionId, activeMembers: 13, operationId: `seats-${s.subscriptionId}-2` })).toEqual({ extraSeats: 3, changed: false });
      const start = before.currentPeriodStart.getTime() / 1000;
      const end = before.currentPeriodEnd.getTime() / 1000;
      const proration = Math.round((3 * seat * (end - at)) / (end - start));
      const pending = (await env.stripe.invoiceItems.list({ customer: s.customerId, pending: true })).data;
      expect(pending.map((i) => [i.amount, i.quantity])).toEqual([[proration, 3]]);
      await advanceClock(env, s.clockId, end + HOURS_2);
      const [renewal] = await invoicesOf(env, s.subscriptionId);
      expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid', amount_paid: proration + prices.growth + 3 * seat });
      expect(await env.provider.updateSeats({ subscriptionId: s.subscriptionId, activeMembers: 8, operationId: `seats-${s.subscriptionId}-3` })).toEqual({ extraSeats: 0, changed: true });
      expect(await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId })).toMatchObject({ extraSeats: 0 });
    });

    it('refunds within the paid amount, and refuses above it in words', async () => {
      const s = await startScenario(env, { plan: 'growth' });
      const [invoice] = await invoicesOf(env, s.subscriptionId);
      const refund = (amountMinor: number, n: string) => env.provider.refund({ customerId: s.customerId, invoiceId: invoice!.id, amountMinor, reason: 'Outage on 3 Dec', operationId: `refund-${invoice!.id}-${n}` });
      expect(await refund(1000, 'a')).toMatchObject({ amountMinor: 1000, currency: 'usd' });
      const error = await refund(5000, 'b').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'amountMinor' }, message: `Cannot refund $50.00 on invoice ${invoice!.number}: $59.00 was paid and $10.00 already refunded, so at most $49.00 can be refunded.` });
      expect(await refund(4900, 'c')).toMatchObject({ amountMinor: 4900 });
      // The same operation again is the same refund, not a second one.
      expect(await refund(4900, 'c')).toMatchObject({ amountMinor: 4900 });
      const [payment] = (await env.stripe.invoicePayments.list({ invoice: invoice!.id })).data;
      const intent = await env.stripe.paymentIntents.retrieve(payment!.payment.payment_intent as string, { expand: ['latest_charge'] });
      expect(intent.latest_charge).toMatchObject({ amount_refunded: prices.growth, refunded: true });
      await expect(refund(1, 'd')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      // Another customer's invoice id is refused before any money moves.
      const other = await startScenario(env, { plan: 'starter' });
      const [foreign] = await invoicesOf(env, other.subscriptionId);
      await expect(env.provider.refund({ customerId: s.customerId, invoiceId: foreign!.id, amountMinor: 100, reason: 'x', operationId: `refund-foreign-${foreign!.id}` })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(env.provider.refund({ customerId: s.customerId, invoiceId: invoice!.id, amountMinor: 0, reason: 'x', operationId: 'zero' })).rejects.toMatchObject({ details: { field: 'amountMinor' } });
    });

    it('a credit on the customer balance lowers the next invoice', async () => {
      const s = await startScenario(env, { plan: 'starter' });
      expect(await env.provider.applyCredit({ customerId: s.customerId, amountMinor: 1000, currency: 'usd', reason: 'Goodwill credit', operationId: `credit-${s.customerId}` })).toMatchObject({ balanceMinor: -1000 });
      expect(await env.provider.applyCredit({ customerId: s.customerId, amountMinor: 1000, currency: 'usd', reason: 'Goodwill credit', operationId: `credit-${s.customerId}` })).toMatchObject({ balanceMinor: -1000 });
      const { currentPeriodEnd } = await env.provider.getSubscriptionStatus({ subscriptionId: s.subscriptionId });
      await advanceClock(env, s.clockId, currentPeriodEnd.getTime() / 1000 + HOURS_2);
      const [renewal] = await invoicesOf(env, s.subscriptionId);
      expect(renewal).toMatchObject({ total: prices.starter, starting_balance: -1000, ending_balance: 0, amount_due: prices.starter - 1000, amount_paid: prices.starter - 1000 });
      await expect(env.provider.applyCredit({ customerId: s.customerId, amountMinor: -5, currency: 'usd', reason: 'x', operationId: 'neg' })).rejects.toMatchObject({ details: { field: 'amountMinor' } });
    });
  });
}
