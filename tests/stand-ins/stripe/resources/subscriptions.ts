// Subscriptions and what time does to them. Periods live on the items (since 2025-03-31.basil);
// billing mode is flexible (2025-09-30.clover).
// - Changes to items prorate as Stripe does, by the second: the unused time on the old price is
//   credited and the remaining time on the new one charged, each line rounded to the cent
//   (`proration_behavior` create_prorations → pending invoice items; always_invoice → an invoice
//   now; none → nothing), at `proration_date` when given. A change of interval resets the billing
//   cycle: credit for the unused time, the new price's full period charged now.
// - POST /v1/invoices/create_preview answers the same computation without saving it.
// - On a test clock (advanceSubscriptions, driven by test-clocks.ts): trial_will_end three days
//   before a trial ends; trial end (with a payment method: invoice and collect; without one:
//   trial_settings.end_behavior.missing_payment_method cancel | create_invoice | pause);
//   renewals (schedule phases applied first, metered usage from meter events); failed
//   payments → past_due and retries by store.dunning, then unpaid / canceled; a paid invoice → active;
//   cancel_at_period_end / cancel_at.
import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type EventRequest, type StripeObject, type StripeStore } from '../store';
import { UNSET, type Params } from '../validate';
import { applyUpdate, matchesCreated, metadataOf, nowFor } from './common';
import {
  createInvoiceItem, invoiceObject, issueSubscriptionInvoice, linesOfPending, markUncollectible, pendingItems, scheduleRetry, subscriptionHooks,
  type BillingReason, type DraftLine,
} from './invoices';
import { attemptInvoicePayment } from './payments';
import { phaseAt, releaseSchedule } from './subscription-schedules';

const DAY = 86_400;

export function addInterval(at: number, interval: string, count: number): number {
  const d = new Date(at * 1000);
  if (interval === 'day') d.setUTCDate(d.getUTCDate() + count);
  else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7 * count);
  else if (interval === 'month') d.setUTCMonth(d.getUTCMonth() + count);
  else d.setUTCFullYear(d.getUTCFullYear() + count);
  return Math.floor(d.getTime() / 1000);
}

function legacyPlan(price: StripeObject) {
  const recurring = price.recurring as Params;
  return {
    id: price.id, object: 'plan', active: price.active, amount: price.unit_amount, amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme, created: price.created, currency: price.currency, interval: recurring.interval,
    interval_count: recurring.interval_count, livemode: false, metadata: price.metadata, meter: recurring.meter, nickname: price.nickname,
    product: price.product, tiers_mode: price.tiers_mode, transform_usage: null, trial_period_days: recurring.trial_period_days, usage_type: recurring.usage_type,
  };
}

type Item = Params & { id: string; price: StripeObject; quantity?: number; current_period_start: number; current_period_end: number };

const isMetered = (price: StripeObject) => (price.recurring as Params).usage_type === 'metered';
const itemsOf = (sub: StripeObject) => (sub.items as { data: Item[] }).data;
const nameOf = (price: StripeObject) => (price.nickname as string | null) ?? (price.lookup_key as string | null) ?? price.id;
const periodOf = (sub: StripeObject) => ({ start: itemsOf(sub)[0]!.current_period_start, end: itemsOf(sub)[0]!.current_period_end });
const intervalOf = (price: StripeObject) => {
  const r = price.recurring as Params;
  return { interval: r.interval as string, count: r.interval_count as number };
};
const dateWords = (at: number) => new Date(at * 1000).toISOString().slice(0, 10);

function newItem(subscriptionId: string, price: StripeObject, quantity: number | undefined, metadata: unknown, start: number, end: number, now: number, trialEnd: number | null = null): Item {
  return {
    id: randomId('si', 14), object: 'subscription_item', billing_thresholds: null, created: now, current_period_end: end, current_period_start: start,
    current_trial: trialEnd ? { end: trialEnd, start: now, type: 'free' } : null, discounts: [], metadata: metadataOf(metadata), plan: legacyPlan(price), price,
    // Metered prices carry no quantity.
    ...(isMetered(price) ? {} : { quantity: quantity ?? 1 }),
    subscription: subscriptionId, tax_rates: [],
  };
}

function periodLines(items: Item[], start: number, end: number, zero = false): DraftLine[] {
  return items
    .filter((i) => !isMetered(i.price))
    .map((i) => ({
      amount: zero ? 0 : ((i.price.unit_amount as number | null) ?? 0) * (i.quantity ?? 1), price: i.price, quantity: i.quantity ?? 1,
      periodStart: start, periodEnd: end, proration: false, subscriptionItem: i.id,
      description: zero ? `Trial period for ${nameOf(i.price)}` : `${i.quantity ?? 1} × ${nameOf(i.price)}`,
    }));
}

/** Usage of the period just ended on metered items, from the meter events the stand-in received. */
function meteredLines(store: StripeStore, sub: StripeObject, items: Item[], start: number, end: number): DraftLine[] {
  return items.filter((i) => isMetered(i.price)).flatMap((i) => {
    const meterId = (i.price.recurring as Params).meter as string | null;
    const meter = meterId ? store.find(meterId) : undefined;
    if (!meter) return [];
    const quantity = store.meterEvents
      .filter((e) => e.event_name === meter.event_name && (e.payload as Params).stripe_customer_id === sub.customer && (e.timestamp as number) >= start && (e.timestamp as number) < end)
      .reduce((sum, e) => sum + Number((e.payload as Params).value), 0);
    if (quantity === 0) return [];
    const unit = Number(i.price.unit_amount_decimal ?? i.price.unit_amount ?? 0);
    return [{ amount: Math.round(quantity * unit), price: i.price, quantity, periodStart: start, periodEnd: end, proration: false, subscriptionItem: i.id, description: `${quantity} × ${nameOf(i.price)}` }];
  });
}

export interface NewSubscription {
  customer: StripeObject;
  items: Array<{ price: string; quantity?: number; metadata?: unknown }>;
  trialEnd?: number | null;
  metadata?: unknown;
  defaultPaymentMethod?: string | null;
  cancelAtPeriodEnd?: boolean;
  trialSettings?: unknown;
  description?: string | null;
}

export function createSubscription(store: StripeStore, request: EventRequest, args: NewSubscription): StripeObject {
  const { customer } = args;
  const now = nowFor(store, customer.test_clock);
  if (args.items.length === 0) throw invalid('Missing required param: items.', 'items', 'parameter_missing');
  const prices = args.items.map((item, i) => store.get('price', item.price, 'price', `items[${i}][price]`));
  const first = prices[0]!;
  for (const [i, p] of prices.entries()) {
    if (p.type !== 'recurring') throw invalid(`The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`, `items[${i}][price]`);
    if (!p.active) throw invalid(`The price specified is inactive. This field only accepts active prices.`, `items[${i}][price]`);
    if (p.currency !== first.currency) throw invalid('All prices on a subscription must have the same currency.', `items[${i}][price]`);
  }
  if (args.defaultPaymentMethod) store.get('payment_method', args.defaultPaymentMethod, 'PaymentMethod', 'default_payment_method');
  const { interval, count } = intervalOf(first);
  const trialEnd = args.trialEnd ?? null;
  const periodEnd = trialEnd ?? addInterval(now, interval, count);
  const id = randomId('sub');
  const items = args.items.map((item, i) => newItem(id, prices[i]!, item.quantity, item.metadata, now, periodEnd, now, trialEnd));
  const settings = (args.trialSettings as Params | undefined)?.end_behavior as Params | undefined;
  let subscription: StripeObject = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialEnd ?? now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: now },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: args.cancelAtPeriodEnd ? periodEnd : null,
    cancel_at_period_end: args.cancelAtPeriodEnd ?? false,
    canceled_at: args.cancelAtPeriodEnd ? now : null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: 'charge_automatically',
    created: now,
    currency: first.currency,
    customer: customer.id,
    customer_account: null,
    days_until_due: null,
    default_payment_method: args.defaultPaymentMethod ?? null,
    default_source: null,
    default_tax_rates: [],
    description: args.description ?? null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: { object: 'list', data: items, has_more: false, total_count: items.length, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: metadataOf(args.metadata),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    status: trialEnd ? 'trialing' : 'incomplete',
    test_clock: customer.test_clock ?? null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: { end_behavior: { missing_payment_method: (settings?.missing_payment_method as string | undefined) ?? 'create_invoice' } },
    trial_start: trialEnd ? now : null,
  };
  subscription = store.insert(subscription);
  const { invoice, paid } = issueSubscriptionInvoice(store, request, {
    subscription,
    lines: periodLines(items, now, periodEnd, !!trialEnd),
    reason: 'subscription_create',
    now,
    includePending: false,
  });
  // The first invoice is not retried: the subscription stays incomplete until paid.
  if (!paid) store.save({ ...invoice, next_payment_attempt: null });
  subscription = store.get('subscription', id);
  subscription.latest_invoice = invoice.id;
  if (!trialEnd) subscription.status = paid ? 'active' : 'incomplete';
  subscription = store.save(subscription);
  store.emit('customer.subscription.created', subscription, request);
  return subscription;
}

interface PlannedChange {
  data: Item[];
  prorations: DraftLine[];
  /** Lines for a new full period when the billing cycle resets (an interval change). */
  fullPeriod: DraftLine[];
  resetAnchor: boolean;
  period: { start: number; end: number };
}

/** Applies `items[]` of an update (or a preview) to a copy of the subscription's items and prorates at `at`. */
export function planItemChange(store: StripeStore, sub: StripeObject, changes: Params[], at: number): PlannedChange {
  const current = itemsOf(sub);
  const data: Item[] = structuredClone(current);
  const { start, end } = periodOf(sub);
  for (const [i, change] of changes.entries()) {
    const existing = change.id ? data.find((d) => d.id === change.id) : undefined;
    if (change.id && !existing) throw invalid(`Invalid subscription_item id: ${change.id}`, `items[${i}][id]`, 'resource_missing');
    if (existing && change.deleted === true) {
      data.splice(data.indexOf(existing), 1);
      continue;
    }
    const price = change.price ? store.get('price', change.price as string, 'price', `items[${i}][price]`) : undefined;
    if (price && price.currency !== sub.currency) throw invalid('All prices on a subscription must have the same currency.', `items[${i}][price]`);
    if (price && !price.active) throw invalid('The price specified is inactive. This field only accepts active prices.', `items[${i}][price]`);
    if (existing) {
      if (price) Object.assign(existing, { price, plan: legacyPlan(price) });
      if (change.quantity !== undefined && !isMetered(existing.price)) existing.quantity = change.quantity as number;
    } else if (price) {
      if (data.some((d) => d.price.id === price.id)) throw invalid(`Cannot add multiple subscription items with the same price: ${price.id}`, `items[${i}][price]`);
      data.push(newItem(sub.id, price, change.quantity as number | undefined, change.metadata, start, end, at));
    } else {
      throw invalid(`Missing required param: items[${i}][price].`, `items[${i}][price]`, 'parameter_missing');
    }
  }
  if (data.length === 0) throw invalid('A subscription must have at least one active plan.', 'items');
  const oldInterval = intervalOf(current[0]!.price);
  const newInterval = intervalOf(data[0]!.price);
  const mixed = data.some((d) => JSON.stringify(intervalOf(d.price)) !== JSON.stringify(newInterval));
  if (mixed) throw invalid('Currency and interval fields must match across all plans on this subscription.', 'items');
  const resetAnchor = JSON.stringify(oldInterval) !== JSON.stringify(newInterval);
  if (sub.status === 'trialing') {
    const periodEnd = resetAnchor && !sub.trial_end ? addInterval(at, newInterval.interval, newInterval.count) : end;
    for (const d of data) Object.assign(d, { current_period_start: start, current_period_end: periodEnd });
    return { data, prorations: [], fullPeriod: [], resetAnchor: false, period: { start, end: periodEnd } };
  }
  const prorations: DraftLine[] = [];
  const unused = (item: Item) => {
    const full = ((item.price.unit_amount as number | null) ?? 0) * (item.quantity ?? 1);
    const amount = -Math.round((full * (end - at)) / (end - start));
    if (amount !== 0) prorations.push({ amount, price: item.price, quantity: item.quantity ?? 1, periodStart: at, periodEnd: end, proration: true, subscriptionItem: item.id, description: `Unused time on ${item.quantity ?? 1} × ${nameOf(item.price)} after ${dateWords(at)}` });
  };
  const remaining = (item: Item) => {
    const full = ((item.price.unit_amount as number | null) ?? 0) * (item.quantity ?? 1);
    const amount = Math.round((full * (end - at)) / (end - start));
    if (amount !== 0) prorations.push({ amount, price: item.price, quantity: item.quantity ?? 1, periodStart: at, periodEnd: end, proration: true, subscriptionItem: item.id, description: `Remaining time on ${item.quantity ?? 1} × ${nameOf(item.price)} after ${dateWords(at)}` });
  };
  if (resetAnchor) {
    for (const old of current) if (!isMetered(old.price)) unused(old);
    const newEnd = addInterval(at, newInterval.interval, newInterval.count);
    for (const d of data) Object.assign(d, { current_period_start: at, current_period_end: newEnd });
    return { data, prorations, fullPeriod: periodLines(data, at, newEnd), resetAnchor, period: { start: at, end: newEnd } };
  }
  for (const old of current) {
    if (isMetered(old.price)) continue;
    const now = data.find((d) => d.id === old.id);
    if (now && now.price.id === old.price.id && now.quantity === old.quantity) continue;
    unused(old);
    if (now) remaining(now);
  }
  for (const added of data) if (!current.some((c) => c.id === added.id) && !isMetered(added.price)) remaining(added);
  return { data, prorations, fullPeriod: [], resetAnchor, period: { start, end } };
}

function checkProrationDate(sub: StripeObject, at: number, param: string) {
  const { start, end } = periodOf(sub);
  if (at < start || at > end) throw invalid(`The proration date must be within the current billing period (${start} to ${end}).`, param);
}

function preview(store: StripeStore, params: Params): StripeObject {
  if (!params.subscription) throw invalid('The stand-in previews changes to an existing subscription only: pass `subscription`.', 'subscription', 'parameter_missing');
  const sub = store.get('subscription', params.subscription as string, 'subscription', 'subscription');
  if (params.customer && params.customer !== sub.customer) throw invalid('The subscription does not belong to this customer.', 'customer');
  const details = (params.subscription_details as Params | undefined) ?? {};
  const now = nowFor(store, sub.test_clock);
  const at = (details.proration_date as number | undefined) ?? now;
  if (details.proration_date !== undefined) {
    if (!details.items && details.trial_end === undefined) throw invalid('When `subscription_details.proration_date` is set, `subscription_details.items` or `subscription_details.trial_end` is required.', 'subscription_details[proration_date]');
    if (details.proration_behavior === 'none') throw invalid('`subscription_details.proration_behavior` cannot be `none` when `proration_date` is set.', 'subscription_details[proration_behavior]');
    checkProrationDate(sub, at, 'subscription_details[proration_date]');
  }
  const behavior = (details.proration_behavior as string | undefined) ?? 'create_prorations';
  const plan = planItemChange(store, sub, (details.items as Params[] | undefined) ?? [], at);
  const customer = store.get('customer', sub.customer as string);
  const pending = linesOfPending(store, pendingItems(store, sub.id));
  const prorations = behavior === 'none' && !plan.resetAnchor ? [] : plan.prorations;
  let lines: DraftLine[];
  let reason: BillingReason;
  let created: number;
  if (behavior === 'always_invoice' || plan.resetAnchor) {
    lines = [...pending, ...prorations, ...plan.fullPeriod];
    reason = 'subscription_update';
    created = at;
  } else {
    // The next renewal invoice: pending items, these prorations, the next period at the new prices.
    const { end } = plan.period;
    const { interval, count } = intervalOf(plan.data[0]!.price);
    lines = [...pending, ...prorations, ...periodLines(plan.data, end, addInterval(end, interval, count))];
    reason = 'subscription_cycle';
    created = end;
  }
  return invoiceObject(store, { id: `upcoming_${randomId('in')}`, customer, subscription: sub, lines, reason, now: created, prorationDate: details.items ? at : undefined });
}

subscriptionHooks.preview = preview;
subscriptionHooks.afterInvoicePaid = (store, request, invoice) => settleAfterPayment(store, request, invoice);

/** A paid invoice that is the subscription's latest brings a past_due / unpaid / incomplete subscription back to active. */
function settleAfterPayment(store: StripeStore, request: EventRequest, invoice: StripeObject) {
  const subId = (invoice.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription;
  const sub = subId ? store.find(subId) : undefined;
  if (!sub || sub.latest_invoice !== invoice.id || !['past_due', 'unpaid', 'incomplete'].includes(sub.status as string)) return;
  const previous = { status: sub.status };
  const saved = store.save({ ...sub, status: 'active' });
  store.emit('customer.subscription.updated', saved, request, previous);
}

function setStatus(store: StripeStore, request: EventRequest, subId: string, status: string, extra: Params = {}) {
  const sub = store.get('subscription', subId);
  const previous: Params = {};
  if (sub.status !== status) previous.status = sub.status;
  for (const k of Object.keys(extra)) previous[k] = sub[k];
  const saved = store.save({ ...sub, status, ...extra });
  if (status === 'canceled') store.emit('customer.subscription.deleted', saved, request);
  else if (Object.keys(previous).length) store.emit('customer.subscription.updated', saved, request, previous);
  return saved;
}

function cancelNow(store: StripeStore, request: EventRequest, subId: string, at: number, reason: string, details: Params = {}) {
  const sub = store.get('subscription', subId);
  if (sub.schedule) {
    const schedule = store.find(sub.schedule as string);
    if (schedule && (schedule.status === 'active' || schedule.status === 'not_started')) {
      const saved = store.save({ ...schedule, status: 'canceled', canceled_at: at, current_phase: null });
      store.emit('subscription_schedule.canceled', saved, request);
    }
  }
  return setStatus(store, request, subId, 'canceled', {
    canceled_at: (sub.canceled_at as number | null) ?? at,
    ended_at: at,
    cancellation_details: { comment: details.comment ?? null, feedback: details.feedback ?? null, reason },
  });
}

/** The subscription's status after its latest invoice's collection attempt. */
function statusAfterAttempt(paid: boolean, current: string) {
  if (paid) return 'active';
  return current === 'unpaid' ? 'unpaid' : 'past_due';
}

function startPeriod(store: StripeStore, request: EventRequest, subId: string, at: number, reason: BillingReason) {
  let sub = store.get('subscription', subId);
  const before = structuredClone(itemsOf(sub));
  const { start: prevStart, end: prevEnd } = periodOf(sub);
  const items = itemsOf(sub);
  const { interval, count } = intervalOf(items[0]!.price);
  const end = addInterval(at, interval, count);
  for (const i of items) Object.assign(i, { current_period_start: at, current_period_end: end, current_trial: null });
  sub = store.save(sub);
  const unpaid = sub.status === 'unpaid';
  const { invoice, paid } = issueSubscriptionInvoice(store, request, {
    subscription: sub,
    lines: [...meteredLines(store, sub, items, prevStart, prevEnd), ...periodLines(items, at, end)],
    reason,
    now: at,
    // An unpaid subscription's invoices are created but not collected until it is paid up.
    collect: !unpaid,
  });
  sub = store.get('subscription', subId);
  const previous: Params = { items: { object: 'list', data: before }, latest_invoice: sub.latest_invoice };
  const status = unpaid ? 'unpaid' : statusAfterAttempt(paid, sub.status as string);
  if (status !== sub.status) previous.status = sub.status;
  const saved = store.save({ ...sub, latest_invoice: invoice.id, status });
  store.emit('customer.subscription.updated', saved, request, previous);
}

function endTrial(store: StripeStore, request: EventRequest, subId: string, at: number) {
  const sub = store.get('subscription', subId);
  const customer = store.get('customer', sub.customer as string);
  const pm = (sub.default_payment_method as string | null) ?? ((customer.invoice_settings as Params).default_payment_method as string | null);
  const behavior = ((sub.trial_settings as Params).end_behavior as Params).missing_payment_method as string;
  if (!pm && behavior === 'cancel') return cancelNow(store, request, subId, at, 'cancellation_requested');
  if (!pm && behavior === 'pause') {
    const saved = setStatus(store, request, subId, 'paused');
    store.emit('customer.subscription.paused', saved, request);
    return;
  }
  startPeriod(store, request, subId, at, 'subscription_cycle');
}

function renew(store: StripeStore, request: EventRequest, subId: string, at: number) {
  let sub = store.get('subscription', subId);
  if (sub.schedule) {
    const schedule = store.get('subscription_schedule', sub.schedule as string);
    const phases = schedule.phases as Params[];
    const last = phases[phases.length - 1];
    if (last && (last.end_date as number) <= at) {
      if (schedule.end_behavior === 'cancel') {
        cancelNow(store, request, subId, at, 'cancellation_requested');
        const done = store.save({ ...store.get('subscription_schedule', schedule.id), status: 'completed', completed_at: at, current_phase: null });
        store.emit('subscription_schedule.completed', done, request);
        return;
      }
      releaseSchedule(store, request, schedule.id, at);
    } else {
      const phase = phaseAt(schedule, at);
      if (phase) {
        // The phase beginning now sets the items (no proration: it starts with the period).
        const items = itemsOf(sub);
        const { start, end } = periodOf(sub);
        const next: Item[] = (phase.items as Params[]).map((p) => {
          const price = store.get('price', p.price as string);
          const same = items.find((i) => i.price.id === price.id);
          return same ? { ...same, ...(isMetered(price) ? {} : { quantity: (p.quantity as number | undefined) ?? 1 }) } : newItem(sub.id, price, p.quantity as number | undefined, p.metadata, start, end, at);
        });
        (sub.items as Params).data = next;
        (sub.items as Params).total_count = next.length;
        sub = store.save(sub);
        if ((schedule.current_phase as Params | null)?.start_date !== phase.start_date) {
          const current = store.save({ ...store.get('subscription_schedule', schedule.id), current_phase: { start_date: phase.start_date, end_date: phase.end_date } });
          store.emit('subscription_schedule.updated', current, request, { current_phase: schedule.current_phase });
        }
      }
    }
  }
  startPeriod(store, request, subId, at, 'subscription_cycle');
}

function retry(store: StripeStore, request: EventRequest, invoiceId: string, at: number) {
  const invoice = store.get('invoice', invoiceId);
  const subId = (invoice.parent as { subscription_details: { subscription: string } }).subscription_details.subscription;
  const sub = store.get('subscription', subId);
  if (sub.status === 'canceled' || sub.status === 'unpaid') {
    store.save({ ...invoice, next_payment_attempt: null });
    return;
  }
  if (attemptInvoicePayment(store, request, invoiceId, at)) return settleAfterPayment(store, request, store.get('invoice', invoiceId));
  if (scheduleRetry(store, invoiceId, at)) return;
  // Every retry failed: what the account's revenue-recovery settings say.
  if (store.dunning.invoiceStatusAfterRetries === 'uncollectible') markUncollectible(store, request, invoiceId, at);
  const after = store.dunning.subscriptionStatusAfterRetries;
  if (after === 'canceled') cancelNow(store, request, subId, at, 'payment_failed');
  else if (after === 'unpaid') setStatus(store, request, subId, 'unpaid');
}

interface Due {
  at: number;
  order: number;
  run: () => void;
}

/** What is due next for the subscriptions on this clock, at or before `until`. */
function nextDue(store: StripeStore, request: EventRequest, clockId: string, until: number): Due | undefined {
  const due: Due[] = [];
  for (const sub of store.all('subscription').filter((s) => s.test_clock === clockId)) {
    const status = sub.status as string;
    if (status === 'trialing' && sub.trial_end) {
      const warn = (sub.trial_end as number) - 3 * DAY;
      if (!store.trialWillEndSent.has(`${sub.id}:${sub.trial_end}`) && warn >= (sub.created as number)) {
        due.push({ at: warn, order: 0, run: () => {
          store.trialWillEndSent.add(`${sub.id}:${sub.trial_end}`);
          store.emit('customer.subscription.trial_will_end', store.get('subscription', sub.id), request);
        } });
      }
      due.push({ at: sub.trial_end as number, order: 2, run: () => endTrial(store, request, sub.id, sub.trial_end as number) });
    }
    if (status === 'active' || status === 'past_due' || status === 'unpaid') {
      if (sub.cancel_at) due.push({ at: sub.cancel_at as number, order: 1, run: () => cancelNow(store, request, sub.id, sub.cancel_at as number, 'cancellation_requested') });
      const { end } = periodOf(sub);
      due.push({ at: end, order: 3, run: () => renew(store, request, sub.id, end) });
    }
    for (const invoice of store.all('invoice')) {
      const parent = invoice.parent as { subscription_details?: { subscription?: string } } | null;
      if (parent?.subscription_details?.subscription !== sub.id || invoice.status !== 'open' || !invoice.next_payment_attempt) continue;
      due.push({ at: invoice.next_payment_attempt as number, order: 4, run: () => retry(store, request, invoice.id, invoice.next_payment_attempt as number) });
    }
  }
  return due.filter((d) => d.at <= until).sort((a, b) => a.at - b.at || a.order - b.order)[0];
}

/** Runs, in time order, everything due on the clock's subscriptions up to `until`, moving the clock's frozen_time along. */
export function advanceSubscriptions(store: StripeStore, request: EventRequest, clockId: string, until: number) {
  for (let guard = 0; guard < 10_000; guard++) {
    const due = nextDue(store, request, clockId, until);
    if (!due) return;
    const clock = store.get('test_helpers.test_clock', clockId);
    if ((clock.frozen_time as number) < due.at) store.save({ ...clock, frozen_time: due.at });
    due.run();
  }
  throw new Error('stand-in: test clock advance did not settle');
}

export const subscriptionRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/subscriptions',
    params: 'SubscriptionCreateParams',
    handler: ({ store, params, request }) => {
      const customer = store.get('customer', params.customer as string, 'customer', 'customer');
      const now = nowFor(store, customer.test_clock);
      const items = (params.items as Array<Params> | undefined) ?? [];
      for (const [i, item] of items.entries()) {
        if (!item.price) throw invalid(`Missing required param: items[${i}][price].`, `items[${i}][price]`, 'parameter_missing');
      }
      let trialEnd: number | null = null;
      if (params.trial_end === 'now') trialEnd = null;
      else if (typeof params.trial_end === 'number') {
        if (params.trial_end <= now) throw invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
        trialEnd = params.trial_end;
      } else if (typeof params.trial_period_days === 'number' && params.trial_period_days > 0) trialEnd = now + params.trial_period_days * DAY;
      return createSubscription(store, request, {
        customer,
        items: items.map((i) => ({ price: i.price as string, quantity: i.quantity as number | undefined, metadata: i.metadata })),
        trialEnd,
        metadata: params.metadata,
        defaultPaymentMethod: (params.default_payment_method as string | undefined) ?? null,
        cancelAtPeriodEnd: params.cancel_at_period_end as boolean | undefined,
        trialSettings: params.trial_settings,
        description: (params.description as string | undefined) ?? null,
      });
    },
  },
  {
    method: 'GET',
    pattern: '/v1/subscriptions/:id',
    params: 'SubscriptionRetrieveParams',
    handler: ({ store, path }) => store.get('subscription', path.id!),
  },
  {
    method: 'POST',
    pattern: '/v1/subscriptions/:id',
    params: 'SubscriptionUpdateParams',
    handler: ({ store, path, params, request, emit }) => {
      let sub = store.get('subscription', path.id!);
      if (sub.status === 'canceled') throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
      const now = nowFor(store, sub.test_clock);
      if (sub.schedule && (params.cancel_at_period_end !== undefined || params.cancel_at !== undefined)) {
        throw invalid(`The subscription is managed by the subscription schedule \`${sub.schedule}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`);
      }
      if (params.default_payment_method && params.default_payment_method !== UNSET) {
        const pm = store.get('payment_method', params.default_payment_method as string, 'PaymentMethod', 'default_payment_method');
        if (pm.customer !== sub.customer) throw invalid('The PaymentMethod provided is not attached to this customer.', 'default_payment_method');
      }
      const previous = applyUpdate(sub, params, ['metadata', 'default_payment_method', 'description', 'pause_collection']);
      if (params.cancel_at_period_end !== undefined) {
        const on = params.cancel_at_period_end === true;
        if (sub.cancel_at_period_end !== on) {
          Object.assign(previous, { cancel_at_period_end: sub.cancel_at_period_end, cancel_at: sub.cancel_at, canceled_at: sub.canceled_at });
          Object.assign(sub, { cancel_at_period_end: on, cancel_at: on ? periodOf(sub).end : null, canceled_at: on ? now : null });
        }
      }
      if (params.cancel_at !== undefined) {
        if (typeof params.cancel_at === 'string') throw invalid('The stand-in takes `cancel_at` as a timestamp or an empty string only.', 'cancel_at');
        const at = params.cancel_at === UNSET ? null : (params.cancel_at as number);
        Object.assign(previous, { cancel_at: sub.cancel_at, cancel_at_period_end: sub.cancel_at_period_end });
        Object.assign(sub, { cancel_at: at, cancel_at_period_end: false, canceled_at: at ? now : null });
      }
      if (params.trial_settings) {
        previous.trial_settings = sub.trial_settings;
        sub.trial_settings = { end_behavior: { missing_payment_method: ((params.trial_settings as Params).end_behavior as Params).missing_payment_method ?? 'create_invoice' } };
      }
      let endTrialNow = false;
      if (params.trial_end !== undefined) {
        if (params.trial_end === 'now') endTrialNow = sub.status === 'trialing';
        else {
          if ((params.trial_end as number) <= now) throw invalid('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
          previous.trial_end = sub.trial_end;
          sub.trial_end = params.trial_end;
          if (sub.status === 'trialing') for (const i of itemsOf(sub)) Object.assign(i, { current_period_end: params.trial_end, current_trial: { ...(i.current_trial as Params), end: params.trial_end } });
        }
      }
      let invoiceLines: DraftLine[] | undefined;
      let prorationItems: DraftLine[] = [];
      if (params.items) {
        const at = (params.proration_date as number | undefined) ?? now;
        if (params.proration_date !== undefined) checkProrationDate(sub, at, 'proration_date');
        const behavior = (params.proration_behavior as string | undefined) ?? 'create_prorations';
        const plan = planItemChange(store, sub, params.items as Params[], at);
        const before = structuredClone(itemsOf(sub));
        (sub.items as Params).data = plan.data;
        (sub.items as Params).total_count = plan.data.length;
        if (plan.resetAnchor) Object.assign(sub, { billing_cycle_anchor: at });
        if (JSON.stringify(before) !== JSON.stringify(plan.data)) previous.items = { object: 'list', data: before };
        const prorations = behavior === 'none' && !plan.resetAnchor ? [] : plan.prorations;
        if (plan.resetAnchor || behavior === 'always_invoice') invoiceLines = [...prorations, ...plan.fullPeriod];
        else prorationItems = prorations;
      }
      sub = store.save(sub);
      for (const line of prorationItems) createInvoiceItem(store, request, sub, line, now);
      if (invoiceLines && invoiceLines.length > 0) {
        const { invoice, paid } = issueSubscriptionInvoice(store, request, { subscription: sub, lines: invoiceLines, reason: 'subscription_update', now });
        sub = store.get('subscription', sub.id);
        previous.latest_invoice = sub.latest_invoice;
        sub.latest_invoice = invoice.id;
        // The change stands even when its payment fails (payment_behavior allow_incomplete).
        const status = statusAfterAttempt(paid, sub.status as string);
        if (status !== sub.status) {
          previous.status = sub.status;
          sub.status = status;
        }
        sub = store.save(sub);
      }
      if (Object.keys(previous).length > 0) emit('customer.subscription.updated', sub, previous);
      if (endTrialNow) {
        const saved = store.save({ ...store.get('subscription', sub.id), trial_end: now });
        endTrial(store, request, saved.id, now);
        return store.get('subscription', sub.id);
      }
      return sub;
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/subscriptions/:id',
    params: 'SubscriptionCancelParams',
    handler: ({ store, path, params, request }) => {
      const sub = store.get('subscription', path.id!);
      if (sub.status === 'canceled') throw invalid(`No such subscription: '${sub.id}'`, 'id', 'resource_missing');
      const now = nowFor(store, sub.test_clock);
      const details = (params.cancellation_details as Params | undefined) ?? {};
      return cancelNow(store, request, sub.id, now, 'cancellation_requested', {
        comment: details.comment === UNSET ? null : (details.comment ?? null),
        feedback: details.feedback === UNSET ? null : (details.feedback ?? null),
      });
    },
  },
  {
    method: 'GET',
    pattern: '/v1/subscriptions',
    params: 'SubscriptionListParams',
    handler: ({ store, params, url }) => {
      const status = (params.status as string | undefined) ?? 'all-but-canceled';
      return paginate(
        store
          .all('subscription')
          .filter((s) => (status === 'all' ? true : status === 'all-but-canceled' ? s.status !== 'canceled' : s.status === status))
          .filter((s) => params.customer === undefined || s.customer === params.customer)
          .filter((s) => params.price === undefined || itemsOf(s).some((i) => i.price.id === params.price))
          .filter((s) => params.test_clock === undefined || s.test_clock === params.test_clock)
          .filter((s) => matchesCreated(s.created, params.created)),
        params as ListParams,
        url,
      );
    },
  },
];
