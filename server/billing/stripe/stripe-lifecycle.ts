// The subscription lifecycle on Stripe, behind StripeProvider: previewing and changing plans
// (prorated now with the preview's proration_date, or at period end through a subscription
// schedule), seats that follow members, cancel/resume, status, invoices, the default payment
// method, refunds and credits.
// Every write carries an idempotency key derived from our own operation id, so any retry — the
// SDK's, ours after a 429, a person's double click — applies once. Stripe's errors become
// AppErrors a person can act on; the key never appears in them.
import type Stripe from 'stripe';
import { stripeErrors } from './stripe-sdk';
import { z } from 'zod';
import { AppError } from '../../errors';
import type {
  ChangePreview,
  InvoiceSummary,
  OperationId,
  PaymentMethodSummary,
  PlanChangeInput,
  PlanChangeResult,
  PlanVersionTarget,
  ProviderSubscriptionStatus,
  SubscriptionSummary,
} from '../billing-provider';
import { findPlan, OVERAGES, isSeatPriceLookupKey, parsePlanPriceLookupKey, planPriceLookupKey, seatPriceLookupKey, type BillingInterval, type PlanDefinition, type PlanKey } from '../plan-catalog';
// The provider's common mapping (authentication, rate limit, invalid request, network); only called at run time, so the import cycle is harmless.
import { toAppError as toAppErrorBase } from './stripe-provider';

export interface LifecycleOptions {
  /** Our own retries of 429s (Stripe's SDK retries 5xx, 409 and network errors by itself). */
  rateLimitRetries?: number;
  retryBaseMs?: number;
}

type Sub = Stripe.Subscription;
type Item = Stripe.SubscriptionItem;

const operationIdSchema = z.string().regex(/^[A-Za-z0-9:_-]{1,80}$/, 'an operation id is 1–80 letters, digits, ":", "_" or "-"');

// A plan price of any version: the catalog's (v1) or a plan-lab version's (meterdesk_<plan>_<interval>_vN).
const PLAN_BY_LOOKUP = {
  get(key: string): { plan: PlanDefinition; interval: BillingInterval; version: number } | undefined {
    const parsed = parsePlanPriceLookupKey(key);
    const plan = parsed && findPlan(parsed.planKey);
    return parsed && plan ? { plan, interval: parsed.interval, version: parsed.version } : undefined;
  },
  has(key: string): boolean {
    return this.get(key) !== undefined;
  },
};
// A seat price of any version: the catalog's (v1) or a plan-lab version's.
const SEAT_LOOKUPS = { has: (key: string) => isSeatPriceLookupKey(key) };
const OVERAGE_LOOKUPS = new Set(OVERAGES.map((o) => o.lookupKey));

const money = (minor: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(minor / 100);

export class StripeLifecycle {
  constructor(
    private readonly stripe: Stripe,
    private readonly pricesByLookupKey: (keys: string[]) => Promise<Map<string, string>>,
    private readonly options: LifecycleOptions = {},
  ) {}

  async previewChange(input: PlanChangeInput & { prorationDate?: number }): Promise<ChangePreview> {
    const target = checkTarget(input);
    return this.call('preview the plan change', async () => {
      const sub = await this.subscription(input.subscriptionId);
      this.refuseSamePlan(sub, target.plan, input.interval, target.version);
      const items = await this.itemChanges(sub, target.plan, input.interval, target.extraSeats, target.version);
      const preview = await this.send(() => this.stripe.invoices.createPreview({
        customer: customerId(sub),
        subscription: sub.id,
        subscription_details: {
          items,
          proration_behavior: 'always_invoice',
          ...(input.prorationDate !== undefined ? { proration_date: input.prorationDate } : {}),
        },
      }));
      const prorationDate = preview.parent?.subscription_details?.subscription_proration_date ?? input.prorationDate;
      if (prorationDate === undefined) throw new Error('Stripe returned a preview without its proration date');
      return {
        amountDueMinor: preview.amount_due,
        totalMinor: preview.total,
        currency: preview.currency,
        prorationDate,
        lines: preview.lines.data.map((l) => ({
          description: l.description ?? '',
          amountMinor: l.amount,
          proration: l.parent?.subscription_item_details?.proration ?? false,
          periodStart: new Date(l.period.start * 1000),
          periodEnd: new Date(l.period.end * 1000),
        })),
      };
    });
  }

  async changePlan(input: PlanChangeInput & { when: 'now' | 'period_end'; prorationDate?: number; operationId: OperationId }): Promise<PlanChangeResult> {
    const target = checkTarget(input);
    const op = checkOperation(input.operationId);
    return this.call('change the plan', async () => {
      let sub = await this.subscription(input.subscriptionId);
      // This very operation already went through (its answer was lost): answer what it did.
      const done = await this.previousChange(sub, op);
      if (done) return done;
      this.refuseSamePlan(sub, target.plan, input.interval, target.version);
      if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
        throw new AppError('PRECONDITION_FAILED', 'This subscription has ended: start a new one from the billing page.');
      }
      if (input.when === 'period_end') return this.scheduleChange(sub, target.plan, input.interval, target.extraSeats, op, target.version);
      // A change now replaces any change waiting for the period end.
      if (sub.schedule) sub = await this.releaseSchedule(sub, `meterdesk-release-${op}`);
      const items = await this.itemChanges(sub, target.plan, input.interval, target.extraSeats, target.version);
      const updated = await this.send(() => this.stripe.subscriptions.update(
        sub.id,
        {
          items,
          proration_behavior: 'always_invoice',
          ...(input.prorationDate !== undefined ? { proration_date: input.prorationDate } : {}),
          metadata: { meterdesk_plan: target.plan.key, meterdesk_plan_version: String(target.version?.version ?? 1), meterdesk_change_operation: op, meterdesk_change_after_invoice: idOf(sub.latest_invoice) ?? '' },
        },
        { idempotencyKey: `meterdesk-change-${op}` },
      ));
      return this.changeResult(updated, idOf(sub.latest_invoice));
    });
  }

  private async changeResult(sub: Sub, invoiceBefore: string | null): Promise<PlanChangeResult> {
    const invoiceId = idOf(sub.latest_invoice);
    const invoice = invoiceId && invoiceId !== invoiceBefore ? await this.send(() => this.stripe.invoices.retrieve(invoiceId)) : null;
    return {
      effective: 'now',
      invoiceId: invoice?.id ?? null,
      amountDueMinor: invoice?.amount_due ?? 0,
      currency: invoice?.currency ?? sub.currency,
      invoiceStatus: invoice?.status ?? null,
      subscriptionStatus: sub.status as ProviderSubscriptionStatus,
    };
  }

  /** The result of this operation if Stripe already carried it out (we mark our changes with the operation id). */
  private async previousChange(sub: Sub, op: string): Promise<PlanChangeResult | null> {
    if (sub.metadata.meterdesk_change_operation === op) return this.changeResult(sub, sub.metadata.meterdesk_change_after_invoice || null);
    const schedule = sub.schedule && typeof sub.schedule === 'object' ? sub.schedule : null;
    const phase = schedule?.phases.find((p) => p.metadata?.meterdesk_change_operation === op);
    if (schedule && phase) return { effective: 'period_end', scheduleId: schedule.id, effectiveAt: new Date(phase.start_date * 1000) };
    return null;
  }

  async updateSeats(input: { subscriptionId: string; activeMembers: number; operationId: OperationId; includedSeats?: number | null }): Promise<{ extraSeats: number; changed: boolean }> {
    if (!Number.isSafeInteger(input.activeMembers) || input.activeMembers < 0) throw new AppError('BAD_REQUEST', 'Active members must be a whole number, zero or more.', { field: 'activeMembers' });
    const op = checkOperation(input.operationId);
    return this.call('update the seats', async () => {
      const sub = await this.subscription(input.subscriptionId);
      const current = currentPlan(sub);
      if (!current) throw new AppError('PRECONDITION_FAILED', 'This subscription has no Meterdesk plan on it: seats cannot follow members.');
      const included = input.includedSeats === undefined ? current.plan.includedSeats : input.includedSeats;
      const extraSeats = Math.max(0, input.activeMembers - (included ?? Infinity));
      const seat = sub.items.data.find((i) => SEAT_LOOKUPS.has(i.price.lookup_key ?? ''));
      if ((seat?.quantity ?? 0) === extraSeats) return { extraSeats, changed: false };
      let items: Stripe.SubscriptionUpdateParams.Item[];
      if (seat && extraSeats === 0) items = [{ id: seat.id, deleted: true }];
      else if (seat) items = [{ id: seat.id, quantity: extraSeats }];
      else {
        // A new seat item bills at the seat price of the version the subscription is on.
        const seatLookup = seatPriceLookupKey(current.plan.key, current.interval, current.version);
        items = [{ price: (await this.pricesByLookupKey([seatLookup])).get(seatLookup)!, quantity: extraSeats }];
      }
      // Prorated onto the next invoice rather than a card charge for every invitation.
      await this.send(() => this.stripe.subscriptions.update(sub.id, { items, proration_behavior: 'create_prorations' }, { idempotencyKey: `meterdesk-seats-${op}` }));
      return { extraSeats, changed: true };
    });
  }

  async cancel(input: { subscriptionId: string; atPeriodEnd: boolean; operationId: OperationId; comment?: string }): Promise<SubscriptionSummary> {
    const op = checkOperation(input.operationId);
    return this.call('cancel the subscription', async () => {
      let sub = await this.subscription(input.subscriptionId);
      if (sub.status === 'canceled') return summarize(sub, null);
      if (!input.atPeriodEnd) {
        const canceled = await this.send(() => this.stripe.subscriptions.cancel(
          sub.id,
          input.comment ? { cancellation_details: { comment: input.comment.slice(0, 500) } } : {},
          { idempotencyKey: `meterdesk-cancel-${op}` },
        ));
        return summarize(canceled, null);
      }
      // Stripe refuses cancel_at_period_end on a scheduled subscription: a pending change is dropped.
      if (sub.schedule) sub = await this.releaseSchedule(sub, `meterdesk-release-${op}`);
      const updated = await this.send(() => this.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true }, { idempotencyKey: `meterdesk-cancel-${op}` }));
      return summarize(updated, null);
    });
  }

  async extendTrial(input: { subscriptionId: string; trialEnd: Date; operationId: OperationId }): Promise<SubscriptionSummary> {
    const trialEnd = Math.floor(input.trialEnd.getTime() / 1000);
    if (!Number.isSafeInteger(trialEnd)) throw new AppError('BAD_REQUEST', 'The new trial end must be a valid date.', { field: 'trialEnd' });
    const op = checkOperation(input.operationId);
    return this.call('extend the trial', async () => {
      const sub = await this.subscription(input.subscriptionId);
      // A retry of this very extension (or a double submission) finds it done.
      if (sub.status === 'trialing' && sub.trial_end === trialEnd) return this.summary(sub);
      if (sub.status !== 'trialing') throw new AppError('PRECONDITION_FAILED', `This subscription is ${sub.status}, not in trial: only a trial can be extended (grant a credit instead).`);
      if (sub.trial_end && trialEnd <= sub.trial_end) {
        throw new AppError('BAD_REQUEST', `The trial already runs until ${new Date(sub.trial_end * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC: choose a later end.`, { field: 'trialEnd' });
      }
      const updated = await this.send(() => this.stripe.subscriptions.update(sub.id, { trial_end: trialEnd, proration_behavior: 'none' }, { idempotencyKey: `meterdesk-trial-${op}` }));
      return this.summary(updated);
    });
  }

  async resume(input: { subscriptionId: string; operationId: OperationId }): Promise<SubscriptionSummary> {
    const op = checkOperation(input.operationId);
    return this.call('resume the subscription', async () => {
      const sub = await this.subscription(input.subscriptionId);
      if (sub.status === 'canceled') throw new AppError('PRECONDITION_FAILED', 'This subscription has already ended and cannot be resumed: start a new one from the billing page.');
      if (sub.status === 'paused') throw new AppError('PRECONDITION_FAILED', 'This subscription is paused for want of a payment method: add one through the billing portal to resume it.');
      if (!sub.cancel_at_period_end && !sub.cancel_at) return this.summary(sub);
      const updated = await this.send(() => this.stripe.subscriptions.update(sub.id, sub.cancel_at_period_end ? { cancel_at_period_end: false } : { cancel_at: '' }, { idempotencyKey: `meterdesk-resume-${op}` }));
      return this.summary(updated);
    });
  }

  getSubscriptionStatus(input: { subscriptionId: string }): Promise<SubscriptionSummary> {
    return this.call('read the subscription', async () => this.summary(await this.subscription(input.subscriptionId)));
  }

  async listInvoices(input: { customerId: string; limit?: number; startingAfter?: string }): Promise<{ invoices: InvoiceSummary[]; hasMore: boolean }> {
    const limit = input.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new AppError('BAD_REQUEST', 'Ask for 1 to 100 invoices at a time.', { field: 'limit' });
    return this.call('list the invoices', async () => {
      const page = await this.send(() => this.stripe.invoices.list({ customer: input.customerId, limit, ...(input.startingAfter ? { starting_after: input.startingAfter } : {}) }));
      return {
        hasMore: page.has_more,
        invoices: page.data.map((i) => ({
          id: i.id,
          number: i.number,
          status: (i.status ?? 'draft') as InvoiceSummary['status'],
          currency: i.currency,
          totalMinor: i.total,
          amountDueMinor: i.amount_due,
          amountPaidMinor: i.amount_paid,
          amountRemainingMinor: i.amount_remaining,
          hostedUrl: i.hosted_invoice_url ?? null,
          pdfUrl: i.invoice_pdf ?? null,
          periodStart: new Date(lineStart(i) * 1000),
          periodEnd: new Date(lineEnd(i) * 1000),
          createdAt: new Date(i.created * 1000),
          billingReason: i.billing_reason,
        })),
      };
    });
  }

  getDefaultPaymentMethod(input: { customerId: string }): Promise<PaymentMethodSummary | null> {
    return this.call('read the payment method', async () => {
      const customer = await this.send(() => this.stripe.customers.retrieve(input.customerId, { expand: ['invoice_settings.default_payment_method'] }));
      if (customer.deleted) throw new AppError('NOT_FOUND', 'The billing customer was deleted in Stripe.');
      const pm = customer.invoice_settings.default_payment_method;
      if (!pm || typeof pm === 'string' || !pm.card) return null;
      return { brand: pm.card.brand, last4: pm.card.last4, expMonth: pm.card.exp_month, expYear: pm.card.exp_year };
    });
  }

  async refund(input: { customerId: string; invoiceId: string; amountMinor: number; reason: string; operationId: OperationId }): Promise<{ refundId: string; amountMinor: number; currency: string }> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new AppError('BAD_REQUEST', 'A refund is a whole amount in cents, above zero.', { field: 'amountMinor' });
    const op = checkOperation(input.operationId);
    return this.call('refund the payment', async () => {
      const invoice = await this.send(() => this.stripe.invoices.retrieve(input.invoiceId));
      // An invoice id can come from a person: it must be this organization's customer's.
      if (idOf(invoice.customer as string | { id: string } | null) !== input.customerId) throw new AppError('NOT_FOUND', 'There is no such invoice for this organization.', { field: 'invoiceId' });
      const label = invoice.number ?? invoice.id;
      if (invoice.status !== 'paid' || invoice.amount_paid === 0) {
        throw new AppError('PRECONDITION_FAILED', `Invoice ${label} has no payment to refund (it is ${invoice.status}).`);
      }
      // Since 2025 an invoice names its payments, not its charge: invoice payment → PaymentIntent → charge.
      const payments = await this.send(() => this.stripe.invoicePayments.list({ invoice: invoice.id, status: 'paid', limit: 10 }));
      const intentId = payments.data.map((p) => idOf(p.payment.payment_intent)).find(Boolean);
      if (!intentId) throw new AppError('PRECONDITION_FAILED', `Invoice ${label} was not paid through Stripe (paid out of band): refund it where it was paid.`);
      const intent = await this.send(() => this.stripe.paymentIntents.retrieve(intentId, { expand: ['latest_charge'] }));
      const charge = intent.latest_charge;
      if (!charge || typeof charge === 'string') throw new Error('Stripe returned a PaymentIntent without its charge');
      // A retry of a refund that went through answers that refund (the check below would refuse it).
      const done = (await this.send(() => this.stripe.refunds.list({ payment_intent: intent.id, limit: 100 }))).data.find((r) => r.metadata?.meterdesk_operation_id === op);
      if (done) return { refundId: done.id, amountMinor: done.amount, currency: done.currency };
      const refundable = charge.amount - charge.amount_refunded;
      if (input.amountMinor > refundable) {
        throw new AppError(
          'BAD_REQUEST',
          `Cannot refund ${money(input.amountMinor, charge.currency)} on invoice ${label}: ${money(charge.amount, charge.currency)} was paid` +
            `${charge.amount_refunded ? ` and ${money(charge.amount_refunded, charge.currency)} already refunded` : ''}, so at most ${money(refundable, charge.currency)} can be refunded.`,
          { field: 'amountMinor' },
        );
      }
      const refund = await this.send(() => this.stripe.refunds.create(
        { payment_intent: intent.id, amount: input.amountMinor, reason: 'requested_by_customer', metadata: { meterdesk_reason: input.reason.slice(0, 500), meterdesk_operation_id: op } },
        { idempotencyKey: `meterdesk-refund-${op}` },
      ));
      return { refundId: refund.id, amountMinor: refund.amount, currency: refund.currency };
    });
  }

  async applyCredit(input: { customerId: string; amountMinor: number; currency: string; reason: string; operationId: OperationId }): Promise<{ transactionId: string; balanceMinor: number }> {
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) throw new AppError('BAD_REQUEST', 'A credit is a whole amount in cents, above zero.', { field: 'amountMinor' });
    if (!/^[a-z]{3}$/.test(input.currency)) throw new AppError('BAD_REQUEST', 'The currency is a three-letter ISO code in lower case, e.g. usd.', { field: 'currency' });
    const op = checkOperation(input.operationId);
    return this.call('apply the credit', async () => {
      // The customer balance: a negative amount is a credit every invoice uses before charging
      // the card (billing credit grants, still in preview, apply to metered prices only).
      const txn = await this.send(() => this.stripe.customers.createBalanceTransaction(
        input.customerId,
        { amount: -input.amountMinor, currency: input.currency, description: input.reason.slice(0, 350), metadata: { meterdesk_operation_id: op } },
        { idempotencyKey: `meterdesk-credit-${op}` },
      ));
      return { transactionId: txn.id, balanceMinor: txn.ending_balance };
    });
  }

  // ——— helpers ———

  private async subscription(id: string): Promise<Sub> {
    return this.send(() => this.stripe.subscriptions.retrieve(id, { expand: ['schedule'] }));
  }

  private refuseSamePlan(sub: Sub, plan: PlanDefinition, interval: BillingInterval, target?: PlanVersionTarget) {
    const current = currentPlan(sub);
    const version = target?.version ?? 1;
    if (current && current.plan.key === plan.key && current.interval === interval && current.version === version) {
      throw new AppError('CONFLICT', `You are already on the ${plan.name} plan${version > 1 ? ` (version ${version})` : ''}, billed ${interval}ly.`, { field: 'planKey' });
    }
    const pending = pendingChange(sub);
    if (pending && pending.planKey === plan.key && pending.interval === interval && (pending.planVersion ?? 1) === version) {
      throw new AppError('CONFLICT', `A change to the ${plan.name} plan, billed ${interval}ly, is already scheduled for ${pending.effectiveAt.toISOString().slice(0, 10)}.`, { field: 'planKey' });
    }
  }

  /** The target's items in a subscription update: plan price swapped, seats re-priced, overage prices added or removed. */
  private async itemChanges(sub: Sub, plan: PlanDefinition, interval: BillingInterval, extraSeats: number, target?: PlanVersionTarget): Promise<Stripe.SubscriptionUpdateParams.Item[]> {
    const wanted = await this.targetItems(plan, interval, extraSeats, target);
    const planItem = sub.items.data.find((i) => PLAN_BY_LOOKUP.has(i.price.lookup_key ?? ''));
    const seatItem = sub.items.data.find((i) => SEAT_LOOKUPS.has(i.price.lookup_key ?? ''));
    const changes: Stripe.SubscriptionUpdateParams.Item[] = [];
    changes.push(planItem ? { id: planItem.id, price: wanted.plan } : { price: wanted.plan, quantity: 1 });
    if (wanted.seat) changes.push(seatItem ? { id: seatItem.id, price: wanted.seat.price, quantity: wanted.seat.quantity } : { price: wanted.seat.price, quantity: wanted.seat.quantity });
    else if (seatItem) changes.push({ id: seatItem.id, deleted: true });
    for (const item of sub.items.data.filter((i) => OVERAGE_LOOKUPS.has(i.price.lookup_key ?? ''))) {
      if (!wanted.overage.includes(item.price.id)) changes.push({ id: item.id, deleted: true });
    }
    for (const price of wanted.overage) if (!sub.items.data.some((i) => i.price.id === price)) changes.push({ price });
    return changes;
  }

  private async targetItems(plan: PlanDefinition, interval: BillingInterval, extraSeats: number, target?: PlanVersionTarget) {
    const planLookup = target ? planPriceLookupKey(plan.key, interval, target.version) : plan.prices[interval]!.lookupKey;
    const seatLookup = seatPriceLookupKey(plan.key, interval, target?.version ?? 1);
    const overage = (target?.overagePolicy ?? plan.overagePolicy) === 'bill' && interval === 'month' ? OVERAGES.map((o) => o.lookupKey) : [];
    const ids = await this.pricesByLookupKey([planLookup, ...(extraSeats ? [seatLookup] : []), ...overage]);
    return {
      plan: ids.get(planLookup)!,
      seat: extraSeats ? { price: ids.get(seatLookup)!, quantity: extraSeats } : null,
      overage: overage.map((k) => ids.get(k)!),
    };
  }

  private async scheduleChange(sub: Sub, plan: PlanDefinition, interval: BillingInterval, extraSeats: number, op: string, target?: PlanVersionTarget): Promise<PlanChangeResult> {
    const scheduleId = idOf(sub.schedule) ?? (await this.send(() => this.stripe.subscriptionSchedules.create({ from_subscription: sub.id }, { idempotencyKey: `meterdesk-schedule-${op}` }))).id;
    const schedule = await this.send(() => this.stripe.subscriptionSchedules.retrieve(scheduleId));
    const currentPhase = schedule.phases.find((p) => schedule.current_phase && p.start_date === schedule.current_phase.start_date) ?? schedule.phases[0]!;
    const wanted = await this.targetItems(plan, interval, extraSeats, target);
    const updated = await this.send(() => this.stripe.subscriptionSchedules.update(
      scheduleId,
      {
        end_behavior: 'release',
        phases: [
          {
            start_date: currentPhase.start_date,
            end_date: currentPhase.end_date,
            items: currentPhase.items.map((i) => ({ price: idOf(i.price)!, ...(i.quantity !== undefined ? { quantity: i.quantity } : {}) })),
          },
          {
            items: [
              { price: wanted.plan, quantity: 1 },
              ...(wanted.seat ? [{ price: wanted.seat.price, quantity: wanted.seat.quantity }] : []),
              ...wanted.overage.map((price) => ({ price })),
            ],
            duration: { interval, interval_count: 1 },
            metadata: { meterdesk_plan: plan.key, meterdesk_interval: interval, meterdesk_plan_version: String(target?.version ?? 1), meterdesk_change_operation: op },
          },
        ],
      },
      { idempotencyKey: `meterdesk-schedule-phases-${op}` },
    ));
    return { effective: 'period_end', scheduleId: updated.id, effectiveAt: new Date(currentPhase.end_date * 1000) };
  }

  private async releaseSchedule(sub: Sub, idempotencyKey: string): Promise<Sub> {
    const scheduleId = idOf(sub.schedule)!;
    await this.send(() => this.stripe.subscriptionSchedules.release(scheduleId, {}, { idempotencyKey }));
    return this.subscription(sub.id);
  }

  private async summary(sub: Sub): Promise<SubscriptionSummary> {
    return summarize(sub, pendingChange(sub));
  }

  /** Runs a use case, mapping Stripe's errors to words. */
  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw lifecycleError(what, error);
    }
  }

  /**
   * One Stripe request, retried on 429 with backoff (the SDK retries 5xx, 409 and network errors
   * itself, but a 429 only when Stripe says so). Per request, not per use case: a retry must not
   * re-read state that the first attempt changed. Writes carry their idempotency key, so a
   * retried write applies once.
   */
  private async send<T>(request: () => Promise<T>): Promise<T> {
    const retries = this.options.rateLimitRetries ?? 3;
    const base = this.options.retryBaseMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        const limited = error instanceof stripeErrors().StripeRateLimitError || (error instanceof stripeErrors().StripeError && error.code === 'lock_timeout');
        if (!limited || attempt >= retries) throw error;
        await new Promise((r) => setTimeout(r, base * 2 ** attempt * (1 + Math.random() / 2)));
      }
    }
  }
}

function checkTarget(input: PlanChangeInput): { plan: PlanDefinition; extraSeats: number; version?: PlanVersionTarget } {
  const plan = findPlan(input.planKey);
  if (!plan) throw new AppError('BAD_REQUEST', `There is no ${input.planKey} plan.`, { field: 'planKey' });
  if (!plan.selfServe) throw new AppError('BAD_REQUEST', `The ${plan.name} plan is arranged with sales: contact sales to move to it.`, { field: 'planKey' });
  if (input.planVersion && !input.planVersion.intervals.includes(input.interval)) {
    throw new AppError('BAD_REQUEST', `Version ${input.planVersion.version} of the ${plan.name} plan has no ${input.interval}ly price.`, { field: 'planVersion' });
  }
  if (!input.planVersion && !plan.prices[input.interval]) {
    throw new AppError('BAD_REQUEST', plan.key === 'free' ? 'Moving to the Free plan means ending the paid subscription: cancel it at the end of the period instead.' : `The ${plan.name} plan has no ${input.interval}ly price.`, { field: 'planKey' });
  }
  if (!Number.isSafeInteger(input.activeMembers) || input.activeMembers < 0) throw new AppError('BAD_REQUEST', 'Active members must be a whole number, zero or more.', { field: 'activeMembers' });
  const seats = input.seats ?? input.activeMembers;
  if (!Number.isSafeInteger(seats) || seats < 1) throw new AppError('BAD_REQUEST', 'Seats must be a whole number, at least one.', { field: 'seats' });
  if (seats < input.activeMembers) {
    throw new AppError('BAD_REQUEST', `The ${plan.name} plan with ${seats} seat${seats === 1 ? '' : 's'} cannot seat your ${input.activeMembers} active members: choose at least ${input.activeMembers} seats, or remove members first.`, { field: 'seats' });
  }
  const included = input.planVersion ? input.planVersion.includedSeats : plan.includedSeats;
  return { plan, extraSeats: Math.max(0, seats - (included ?? Infinity)), ...(input.planVersion ? { version: input.planVersion } : {}) };
}

function checkOperation(id: string): string {
  const parsed = operationIdSchema.safeParse(id);
  if (!parsed.success) throw new AppError('BAD_REQUEST', `Invalid operation id: ${parsed.error.issues[0]?.message}.`, { field: 'operationId' });
  return parsed.data;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

function customerId(sub: Sub): string {
  return idOf(sub.customer as string | { id: string })!;
}

function currentPlan(sub: Sub) {
  for (const item of sub.items.data) {
    const found = PLAN_BY_LOOKUP.get(item.price.lookup_key ?? '');
    if (found) return found;
  }
  return undefined;
}

function pendingChange(sub: Sub): SubscriptionSummary['pendingChange'] {
  const schedule = sub.schedule;
  if (!schedule || typeof schedule === 'string' || schedule.status !== 'active' || !schedule.current_phase) return null;
  const next = schedule.phases.find((p) => p.start_date >= schedule.current_phase!.end_date);
  if (!next) return null;
  const found = next.items.map((i) => PLAN_BY_LOOKUP.get(planLookupOf(i.price) ?? '')).find(Boolean);
  const key = (next.metadata?.meterdesk_plan as PlanKey | undefined) ?? found?.plan.key ?? null;
  const interval = (next.metadata?.meterdesk_interval as BillingInterval | undefined) ?? found?.interval ?? null;
  const version = next.metadata?.meterdesk_plan_version ? Number(next.metadata.meterdesk_plan_version) : (found?.version ?? null);
  return { planKey: key, interval, effectiveAt: new Date(next.start_date * 1000), planVersion: version };
}

// Schedule phases name prices by id; the plan is read from the phase's metadata, or from an
// expanded price's lookup key when present.
function planLookupOf(price: string | Stripe.Price | Stripe.DeletedPrice): string | null {
  return typeof price === 'object' && 'lookup_key' in price ? price.lookup_key : null;
}

function summarize(sub: Sub, pending: SubscriptionSummary['pendingChange']): SubscriptionSummary {
  const current = currentPlan(sub);
  const first = sub.items.data[0] as Item;
  const seat = sub.items.data.find((i) => SEAT_LOOKUPS.has(i.price.lookup_key ?? ''));
  return {
    id: sub.id,
    status: sub.status as ProviderSubscriptionStatus,
    planKey: current?.plan.key ?? null,
    interval: current?.interval ?? null,
    extraSeats: seat?.quantity ?? 0,
    cancelAtPeriodEnd: sub.cancel_at_period_end || (sub.cancel_at !== null && sub.cancel_at === first.current_period_end),
    currentPeriodStart: new Date(first.current_period_start * 1000),
    currentPeriodEnd: new Date(first.current_period_end * 1000),
    trialEnd: sub.status === 'trialing' && sub.trial_end ? new Date(sub.trial_end * 1000) : null,
    pendingChange: pending,
  };
}

function lineStart(invoice: Stripe.Invoice) {
  const periods = invoice.lines.data.filter((l) => !l.parent?.subscription_item_details?.proration).map((l) => l.period.start);
  return periods.length ? Math.min(...periods) : invoice.period_start;
}

function lineEnd(invoice: Stripe.Invoice) {
  const periods = invoice.lines.data.filter((l) => !l.parent?.subscription_item_details?.proration).map((l) => l.period.end);
  return periods.length ? Math.max(...periods) : invoice.period_end;
}

/** Stripe's errors in words a person can act on. Idempotency keys and raw messages that may quote them never reach the message. */
function lifecycleError(what: string, error: unknown): unknown {
  if (error instanceof AppError || !(error instanceof stripeErrors().StripeError)) return error;
  const requestId = error.requestId ? ` (Stripe request ${error.requestId})` : '';
  if (error instanceof stripeErrors().StripeIdempotencyError) {
    return new AppError('CONFLICT', `Could not ${what}: this operation was already sent to Stripe with different details. Start it again from the beginning${requestId}.`);
  }
  if (error instanceof stripeErrors().StripeCardError) {
    return new AppError('PRECONDITION_FAILED', `The card was declined: could not ${what}. Update the payment method in the billing portal and try again${requestId}.`);
  }
  if (error.code === 'amount_too_large') {
    return new AppError('BAD_REQUEST', `The refund is larger than what remains refundable on this payment: ${error.message}${requestId}.`, { field: 'amountMinor' });
  }
  if (error instanceof stripeErrors().StripeInvalidRequestError && error.code === 'resource_missing') {
    return new AppError('NOT_FOUND', `Stripe has no such object: could not ${what}. ${error.message}${requestId}.`, error.param ? { field: error.param } : {});
  }
  return toAppErrorBase(what, error);
}
