// Invoices: built from lines (recurring charges and proration invoice items), the customer's
// balance applied (a credit lowers amount_due; a negative total goes back to the balance),
// finalized at once (Stripe waits about an hour before finalizing a renewal: a test gains nothing
// from that wait) and collected through payments.ts. Also POST /v1/invoices/create_preview,
// /pay, /mark_uncollectible and GET /v1/invoiceitems.
import { StripeApiError, invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type EventRequest, type StripeObject, type StripeStore } from '../store';
import type { Params } from '../validate';
import { matchesCreated, nowFor } from './common';
import { attemptInvoicePayment } from './payments';

const DAY = 86_400;

/** A line of a subscription invoice: a period's charge for an item, or a proration. */
export interface DraftLine {
  amount: number;
  price: StripeObject;
  quantity: number;
  periodStart: number;
  periodEnd: number;
  proration: boolean;
  description: string;
  subscriptionItem: string;
  /** The pending invoice item this line bills, for prorations. */
  invoiceItem?: string;
}

export type BillingReason = 'subscription_create' | 'subscription_cycle' | 'subscription_update';

function lineItem(invoiceId: string, subscriptionId: string, l: DraftLine) {
  return {
    id: randomId('il'),
    object: 'line_item',
    amount: l.amount,
    currency: l.price.currency,
    description: l.description,
    discount_amounts: [],
    discountable: !l.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: { invoice_item: l.invoiceItem ?? null, proration: l.proration, proration_details: l.proration ? { credited_items: null } : null, subscription: subscriptionId, subscription_item: l.subscriptionItem },
    },
    period: { start: l.periodStart, end: l.periodEnd },
    pretax_credit_amounts: [],
    pricing: { type: 'price_details', price_details: { price: l.price.id, product: l.price.product }, unit_amount_decimal: l.price.unit_amount_decimal },
    quantity: l.quantity,
    taxes: [],
  };
}

/** A pending invoice item (proration), billed with the subscription's next invoice. */
export function createInvoiceItem(store: StripeStore, request: EventRequest, subscription: StripeObject, l: DraftLine, now: number): StripeObject {
  const item = store.insert({
    id: randomId('ii'), object: 'invoiceitem', amount: l.amount, currency: l.price.currency, customer: subscription.customer, customer_account: null,
    date: now, description: l.description, discountable: false, discounts: [], invoice: null, livemode: false, metadata: {},
    parent: { type: 'subscription_details', subscription_details: { subscription: subscription.id, subscription_item: l.subscriptionItem } },
    period: { start: l.periodStart, end: l.periodEnd },
    pricing: { type: 'price_details', price_details: { price: l.price.id, product: l.price.product }, unit_amount_decimal: l.price.unit_amount_decimal },
    proration: l.proration, proration_details: { credited_items: null, discount_amounts: [] }, quantity: l.quantity, quantity_decimal: String(l.quantity), tax_rates: [],
    test_clock: subscription.test_clock ?? null,
  } as unknown as StripeObject);
  store.emit('invoiceitem.created', item, request);
  return item;
}

export function pendingItems(store: StripeStore, subscriptionId: string): StripeObject[] {
  return store
    .all('invoiceitem')
    .filter((i) => i.invoice === null && (i.parent as { subscription_details?: { subscription?: string } }).subscription_details?.subscription === subscriptionId)
    .reverse();
}

export function linesOfPending(store: StripeStore, items: StripeObject[]): DraftLine[] {
  return items.map((i) => {
    const pricing = i.pricing as { price_details: { price: string } };
    return {
      amount: i.amount as number, price: store.get('price', pricing.price_details.price), quantity: i.quantity as number,
      periodStart: (i.period as Params).start as number, periodEnd: (i.period as Params).end as number, proration: i.proration as boolean,
      description: i.description as string, subscriptionItem: (i.parent as { subscription_details: { subscription_item: string } }).subscription_details.subscription_item, invoiceItem: i.id,
    };
  });
}

/** The invoice object for these lines, with the customer's balance applied; nothing is stored. */
export function invoiceObject(
  store: StripeStore,
  args: { id: string; customer: StripeObject; subscription: StripeObject; lines: DraftLine[]; reason: BillingReason; now: number; prorationDate?: number },
): StripeObject {
  const { customer, subscription, now, id } = args;
  const lineItems = args.lines.map((l) => lineItem(id, subscription.id, l));
  const total = lineItems.reduce((sum, l) => sum + l.amount, 0);
  const starting = customer.balance as number;
  const amountDue = Math.max(0, total + starting);
  const ending = total + starting < 0 ? total + starting : 0;
  const periods = args.lines.filter((l) => !l.proration);
  return {
    id,
    object: 'invoice',
    account_country: 'US', account_name: 'Meterdesk stand-in', account_tax_ids: null,
    amount_due: amountDue, amount_overpaid: 0, amount_paid: 0, amount_remaining: amountDue, amount_shipping: 0,
    application: null, attempt_count: 0, attempted: false, auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null, billing_reason: args.reason, collection_method: 'charge_automatically', created: now,
    currency: (args.lines[0]?.price.currency as string | undefined) ?? (subscription.currency as string),
    custom_fields: null, customer: customer.id, customer_account: null, customer_address: customer.address ?? null, customer_email: customer.email ?? null,
    customer_name: customer.name ?? null, customer_phone: customer.phone ?? null, customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: customer.tax_exempt ?? 'none', customer_tax_ids: [], default_payment_method: null, default_source: null, default_tax_rates: [],
    description: null, discounts: [], due_date: null, effective_at: null, ending_balance: ending, footer: null, from_invoice: null,
    hosted_invoice_url: `${store.publicUrl}/i/${id}`, invoice_pdf: `${store.publicUrl}/i/${id}/pdf`, issuer: { type: 'self' },
    last_finalization_error: null, latest_revision: null,
    lines: { object: 'list', data: lineItems, has_more: false, total_count: lineItems.length, url: `/v1/invoices/${id}/lines` },
    livemode: false, metadata: {}, next_payment_attempt: null, number: null, on_behalf_of: null,
    parent: {
      type: 'subscription_details', quote_details: null,
      subscription_details: { metadata: subscription.metadata, subscription: subscription.id, ...(args.prorationDate !== undefined ? { subscription_proration_date: args.prorationDate } : {}) },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    // A renewal invoice covers the period just ended (Stripe's invoice period); its lines carry the new one.
    period_end: args.reason === 'subscription_cycle' && periods[0] ? periods[0].periodStart : now,
    period_start: args.reason === 'subscription_cycle' && periods[0] ? periods[0].periodStart : now,
    post_payment_credit_notes_amount: 0, pre_payment_credit_notes_amount: 0, receipt_number: null, rendering: null, shipping_cost: null, shipping_details: null,
    starting_balance: starting, statement_descriptor: null, status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total, subtotal_excluding_tax: total, test_clock: subscription.test_clock ?? null, total, total_discount_amounts: [],
    total_excluding_tax: total, total_pretax_credit_amounts: [], total_taxes: [], webhooks_delivered_at: null,
  };
}

/**
 * Creates, finalizes and (unless told not to) collects a subscription invoice: invoice.created,
 * customer balance applied, invoice.finalized, then payments.ts's attempt. A failed attempt sets
 * the next retry from the dunning schedule. Returns the stored invoice and whether it is paid.
 */
export function issueSubscriptionInvoice(
  store: StripeStore,
  request: EventRequest,
  args: { subscription: StripeObject; lines: DraftLine[]; reason: BillingReason; now: number; includePending?: boolean; collect?: boolean; paymentMethod?: string | null },
): { invoice: StripeObject; paid: boolean } {
  const { subscription, now } = args;
  let customer = store.get('customer', subscription.customer as string);
  const pending = args.includePending === false ? [] : pendingItems(store, subscription.id);
  const lines = [...linesOfPending(store, pending), ...args.lines];
  const id = randomId('in');
  const draft = store.insert(invoiceObject(store, { id, customer, subscription, lines, reason: args.reason, now }));
  for (const item of pending) store.save({ ...item, invoice: id });
  store.emit('invoice.created', draft, request);
  // The customer's balance moves with the invoice: credit used, or a negative total credited.
  const starting = draft.starting_balance as number;
  const ending = draft.ending_balance as number;
  if (starting !== ending) {
    store.insert({
      id: randomId('cbtxn'), object: 'customer_balance_transaction', amount: ending - starting, checkout_session: null, created: now, credit_note: null,
      currency: draft.currency, customer: customer.id, customer_account: null, description: null, ending_balance: ending, invoice: id, livemode: false,
      metadata: {}, type: 'applied_to_invoice',
    });
    const previous = { balance: customer.balance };
    customer = store.save({ ...customer, balance: ending });
    store.emit('customer.updated', customer, request, previous);
  }
  const number = `${customer.invoice_prefix}-${String(customer.next_invoice_sequence).padStart(4, '0')}`;
  store.save({ ...customer, next_invoice_sequence: (customer.next_invoice_sequence as number) + 1 });
  const finalized = store.save({
    ...draft, number, status: 'open', effective_at: now, webhooks_delivered_at: now,
    status_transitions: { ...(draft.status_transitions as object), finalized_at: now },
  });
  store.emit('invoice.finalized', finalized, request);
  if (args.collect === false) return { invoice: finalized, paid: false };
  const paid = attemptInvoicePayment(store, request, id, now, args.paymentMethod);
  if (!paid) scheduleRetry(store, id, now);
  return { invoice: store.get('invoice', id), paid };
}

/** After a failed attempt: the next one per the dunning schedule; false when retries are exhausted. */
export function scheduleRetry(store: StripeStore, invoiceId: string, now: number): boolean {
  const invoice = store.get('invoice', invoiceId);
  const delay = store.dunning.retryDays[(invoice.attempt_count as number) - 1];
  store.save({ ...invoice, next_payment_attempt: delay === undefined ? null : now + delay * DAY });
  return delay !== undefined;
}

export function markUncollectible(store: StripeStore, request: EventRequest, invoiceId: string, now: number): StripeObject {
  const invoice = store.get('invoice', invoiceId);
  const saved = store.save({
    ...invoice, status: 'uncollectible', next_payment_attempt: null, auto_advance: false,
    status_transitions: { ...(invoice.status_transitions as object), marked_uncollectible_at: now },
  });
  store.emit('invoice.marked_uncollectible', saved, request, { status: invoice.status });
  return saved;
}

/** Hooks subscriptions.ts provides (kept as a registry to avoid an import cycle). */
export const subscriptionHooks: {
  preview?: (store: StripeStore, params: Params) => StripeObject;
  afterInvoicePaid?: (store: StripeStore, request: EventRequest, invoice: StripeObject) => void;
} = {};

export const invoiceRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/invoices/create_preview',
    params: 'InvoiceCreatePreviewParams',
    handler: ({ store, params }) => subscriptionHooks.preview!(store, params),
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/pay',
    params: 'InvoicePayParams',
    handler: ({ store, path, params, request }) => {
      const invoice = store.get('invoice', path.id!);
      if (invoice.status === 'paid') throw invalid('Invoice is already paid', undefined, 'invoice_already_paid');
      if (invoice.status !== 'open' && invoice.status !== 'uncollectible') throw invalid(`You can only pay an invoice that is open or uncollectible; this one is ${invoice.status}.`, undefined, 'invoice_not_editable');
      const customer = store.get('customer', invoice.customer as string);
      if (params.paid_out_of_band === true) {
        const saved = store.save({ ...invoice, status: 'paid', amount_remaining: 0, next_payment_attempt: null, status_transitions: { ...(invoice.status_transitions as object), paid_at: nowFor(store, customer.test_clock) } });
        store.emit('invoice.paid', saved, request);
        subscriptionHooks.afterInvoicePaid?.(store, request, saved);
        return saved;
      }
      const now = nowFor(store, customer.test_clock);
      const paid = attemptInvoicePayment(store, request, invoice.id, now, params.payment_method as string | undefined);
      if (!paid) {
        throw new StripeApiError(402, 'card_error', 'Your card was declined.', 'card_declined', undefined);
      }
      const saved = store.get('invoice', invoice.id);
      subscriptionHooks.afterInvoicePaid?.(store, request, saved);
      return saved;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/invoices/:id/mark_uncollectible',
    params: 'InvoiceMarkUncollectibleParams',
    handler: ({ store, path, request }) => {
      const invoice = store.get('invoice', path.id!);
      if (invoice.status !== 'open') throw invalid(`You can only mark an open invoice as uncollectible; this one is ${invoice.status}.`);
      return markUncollectible(store, request, invoice.id, nowFor(store, invoice.test_clock));
    },
  },
  {
    method: 'GET',
    pattern: '/v1/invoices/:id',
    params: 'InvoiceRetrieveParams',
    handler: ({ store, path }) => store.get('invoice', path.id!),
  },
  {
    method: 'GET',
    pattern: '/v1/invoices',
    params: 'InvoiceListParams',
    handler: ({ store, params, url }) =>
      paginate(
        store
          .all('invoice')
          .filter((i) => params.customer === undefined || i.customer === params.customer)
          .filter((i) => params.status === undefined || i.status === params.status)
          .filter((i) => params.collection_method === undefined || i.collection_method === params.collection_method)
          .filter((i) => params.subscription === undefined || (i.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription === params.subscription)
          .filter((i) => matchesCreated(i.created, params.created)),
        params as ListParams,
        url,
      ),
  },
  {
    method: 'GET',
    pattern: '/v1/invoiceitems/:id',
    params: 'InvoiceItemRetrieveParams',
    handler: ({ store, path }) => store.get('invoiceitem', path.id!, 'invoiceitem'),
  },
  {
    method: 'GET',
    pattern: '/v1/invoiceitems',
    params: 'InvoiceItemListParams',
    handler: ({ store, params, url }) =>
      paginate(
        store
          .all('invoiceitem')
          .filter((i) => params.customer === undefined || i.customer === params.customer)
          .filter((i) => params.invoice === undefined || i.invoice === params.invoice)
          .filter((i) => params.pending === undefined || (i.invoice === null) === params.pending),
        params as ListParams,
        url,
      ),
  },
];
