import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type EventRequest, type StripeObject, type StripeStore } from '../store';
import { matchesCreated } from './common';

export interface InvoiceLine {
  price: StripeObject;
  quantity: number;
  periodStart: number;
  periodEnd: number;
}

/**
 * A subscription invoice, finalized at once: paid when the customer has a payment method (or
 * nothing is due), open otherwise. Emits invoice.created, .finalized and .paid or .payment_failed.
 */
export function createSubscriptionInvoice(
  store: StripeStore,
  request: EventRequest,
  args: { customer: StripeObject; subscription: StripeObject; lines: InvoiceLine[]; reason: 'subscription_create' | 'subscription_cycle' | 'subscription_update'; now: number; paymentMethod: string | null; zero?: boolean },
): StripeObject {
  const { customer, subscription, now } = args;
  const id = randomId('in');
  const lineItems = args.lines.map((l) => {
    const amount = args.zero ? 0 : (l.price.unit_amount as number | null ?? 0) * l.quantity;
    return {
      id: randomId('il'),
      object: 'line_item',
      amount,
      currency: l.price.currency,
      description: `${l.quantity} × ${l.price.nickname ?? l.price.lookup_key ?? l.price.id}`,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: id,
      livemode: false,
      metadata: {},
      parent: { type: 'subscription_item_details', subscription_item_details: { subscription: subscription.id, proration: false } },
      period: { start: l.periodStart, end: l.periodEnd },
      pretax_credit_amounts: [],
      pricing: { type: 'price_details', price_details: { price: l.price.id, product: l.price.product }, unit_amount_decimal: l.price.unit_amount_decimal },
      quantity: l.quantity,
      taxes: [],
    };
  });
  const total = lineItems.reduce((sum, l) => sum + l.amount, 0);
  const paid = total === 0 || !!args.paymentMethod;
  const number = `${customer.invoice_prefix}-${String(customer.next_invoice_sequence).padStart(4, '0')}`;
  customer.next_invoice_sequence = (customer.next_invoice_sequence as number) + 1;
  store.save(customer);
  const invoice: StripeObject = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Meterdesk stand-in',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: paid ? total : 0,
    amount_remaining: paid ? 0 : total,
    amount_shipping: 0,
    application: null,
    attempt_count: total === 0 ? 0 : 1,
    attempted: total !== 0,
    auto_advance: !paid,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: args.reason,
    collection_method: 'charge_automatically',
    created: now,
    currency: args.lines[0]?.price.currency ?? 'usd',
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email ?? null,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: customer.shipping ?? null,
    customer_tax_exempt: customer.tax_exempt ?? 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: now,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: `${store.publicUrl}/i/${id}`,
    invoice_pdf: `${store.publicUrl}/i/${id}/pdf`,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lineItems, has_more: false, total_count: lineItems.length, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: paid ? null : now + 3 * 86_400,
    number,
    on_behalf_of: null,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscription.metadata, subscription: subscription.id } },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: now,
    period_start: now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: paid ? 'paid' : 'open',
    status_transitions: { finalized_at: now, marked_uncollectible_at: null, paid_at: paid ? now : null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: subscription.test_clock ?? null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: now,
  };
  const draft = store.insert({ ...invoice, status: 'draft', amount_paid: 0, amount_remaining: total, status_transitions: { ...(invoice.status_transitions as object), finalized_at: null, paid_at: null } });
  store.emit('invoice.created', draft, request);
  const finalized = store.save({ ...invoice, status: 'open', amount_paid: 0, amount_remaining: total, status_transitions: { ...(invoice.status_transitions as object), paid_at: null } });
  store.emit('invoice.finalized', finalized, request);
  const final = store.save(invoice);
  store.emit(paid ? 'invoice.paid' : 'invoice.payment_failed', final, request);
  return final;
}

export const invoiceRoutes: Route[] = [
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
];
