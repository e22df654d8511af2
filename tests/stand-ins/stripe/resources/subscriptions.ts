// Subscriptions, basic: create (with a trial or an immediate first invoice), retrieve, update
// (metadata, cancel_at_period_end, items, trial_end, default payment method), cancel, list.
// Periods live on the items (since 2025-03-31.basil); billing mode is flexible (2025-09-30.clover).
// Renewals and dunning on a test clock are not simulated yet.
import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type EventRequest, type StripeObject, type StripeStore } from '../store';
import { UNSET, type Params } from '../validate';
import { applyUpdate, matchesCreated, metadataOf, nowFor } from './common';
import { createSubscriptionInvoice } from './invoices';

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
  const recurring = first.recurring as Params;
  const trialEnd = args.trialEnd ?? null;
  const periodStart = now;
  const periodEnd = trialEnd ?? addInterval(now, recurring.interval as string, recurring.interval_count as number);
  const id = randomId('sub');
  const items = args.items.map((item, i) => ({
    id: randomId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: now,
    current_period_end: periodEnd,
    current_period_start: periodStart,
    current_trial: trialEnd ? { end: trialEnd, start: now, type: 'free' } : null,
    discounts: [],
    metadata: metadataOf(item.metadata),
    plan: legacyPlan(prices[i]!),
    price: prices[i]!,
    // Metered prices carry no quantity.
    ...((prices[i]!.recurring as Params).usage_type === 'metered' ? {} : { quantity: item.quantity ?? 1 }),
    subscription: id,
    tax_rates: [],
  }));
  const paymentMethod = args.defaultPaymentMethod ?? ((customer.invoice_settings as Params).default_payment_method as string | null) ?? null;
  let subscription: StripeObject = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: periodEnd > now && trialEnd ? trialEnd : now,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: now },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: args.cancelAtPeriodEnd ?? false,
    canceled_at: null,
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
    trial_settings: args.trialSettings ?? { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: trialEnd ? now : null,
  };
  subscription = store.insert(subscription);
  const invoice = createSubscriptionInvoice(store, request, {
    customer: store.get('customer', customer.id),
    subscription,
    lines: items.map((it) => ({ price: it.price, quantity: it.quantity ?? 0, periodStart, periodEnd })),
    reason: 'subscription_create',
    now,
    paymentMethod,
    zero: !!trialEnd,
  });
  subscription.latest_invoice = invoice.id;
  if (!trialEnd) subscription.status = invoice.status === 'paid' ? 'active' : 'incomplete';
  subscription = store.save(subscription);
  store.emit('customer.subscription.created', subscription, request);
  return subscription;
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
    handler: ({ store, path, params, emit }) => {
      const sub = store.get('subscription', path.id!);
      if (sub.status === 'canceled') throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
      const previous = applyUpdate(sub, params, ['metadata', 'cancel_at_period_end', 'default_payment_method', 'description', 'pause_collection']);
      if (params.trial_end !== undefined) {
        const now = nowFor(store, sub.test_clock);
        const next = params.trial_end === 'now' ? null : (params.trial_end as number);
        previous.trial_end = sub.trial_end;
        sub.trial_end = next;
        if (next === null && sub.status === 'trialing') {
          previous.status = sub.status;
          sub.status = 'active';
        }
        void now;
      }
      if (params.items) {
        const data = (sub.items as { data: Params[] }).data;
        const before = structuredClone(data);
        for (const [i, change] of (params.items as Params[]).entries()) {
          const existing = change.id ? data.find((d) => d.id === change.id) : undefined;
          if (change.id && !existing) throw invalid(`No such subscription item: '${change.id}'`, `items[${i}][id]`, 'resource_missing');
          if (existing && change.deleted === true) {
            data.splice(data.indexOf(existing), 1);
            continue;
          }
          const price = change.price ? store.get('price', change.price as string, 'price', `items[${i}][price]`) : undefined;
          if (existing) {
            if (price) Object.assign(existing, { price, plan: legacyPlan(price) });
            if (change.quantity !== undefined) existing.quantity = change.quantity;
          } else if (price) {
            const first = data[0];
            data.push({
              id: randomId('si', 14), object: 'subscription_item', billing_thresholds: null, created: store.now(),
              current_period_end: first?.current_period_end, current_period_start: first?.current_period_start, current_trial: null, discounts: [],
              metadata: metadataOf(change.metadata), plan: legacyPlan(price), price, quantity: change.quantity ?? 1, subscription: sub.id, tax_rates: [],
            });
          }
        }
        (sub.items as Params).total_count = data.length;
        previous.items = { object: 'list', data: before };
      }
      if (Object.keys(previous).length === 0) return sub;
      const saved = store.save(sub);
      emit('customer.subscription.updated', saved, previous);
      return saved;
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/subscriptions/:id',
    params: 'SubscriptionCancelParams',
    handler: ({ store, path, params, emit }) => {
      const sub = store.get('subscription', path.id!);
      if (sub.status === 'canceled') throw invalid(`No such subscription: '${sub.id}'`, 'id', 'resource_missing');
      const now = nowFor(store, sub.test_clock);
      sub.status = 'canceled';
      sub.canceled_at = now;
      sub.ended_at = now;
      const details = (params.cancellation_details as Params | undefined) ?? {};
      sub.cancellation_details = { comment: details.comment === UNSET ? null : (details.comment ?? null), feedback: details.feedback === UNSET ? null : (details.feedback ?? null), reason: 'cancellation_requested' };
      const saved = store.save(sub);
      emit('customer.subscription.deleted', saved);
      return saved;
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
          .filter((s) => params.price === undefined || (s.items as { data: Params[] }).data.some((i) => (i.price as Params).id === params.price))
          .filter((s) => params.test_clock === undefined || s.test_clock === params.test_clock)
          .filter((s) => matchesCreated(s.created, params.created)),
        params as ListParams,
        url,
      );
    },
  },
];
