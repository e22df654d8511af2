// Payment methods, PaymentIntents, charges, invoice payments and refunds, shaped as the pinned
// API version has them: an invoice no longer names its charge or PaymentIntent; its payments are
// `invoice_payment` objects (GET /v1/invoice_payments?invoice=…) whose `payment.payment_intent`
// names the PaymentIntent, whose `latest_charge` is what a refund draws on.
// Test cards by Stripe's own magic ids: `pm_card_visa`, `pm_card_mastercard`, `pm_card_amex`
// attach a working card; `pm_card_chargeCustomerFail` (4000 0000 0000 0341) attaches and then
// declines every charge, as in Stripe's test mode.
import { StripeApiError, invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type EventRequest, type StripeObject, type StripeStore } from '../store';
import type { Params } from '../validate';
import { metadataOf } from './common';

const TEST_CARDS: Record<string, { brand: string; last4: string; declines?: boolean }> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
  pm_card_amex: { brand: 'amex', last4: '8431' },
  pm_card_chargeCustomerFail: { brand: 'visa', last4: '0341', declines: true },
};

export function newCardPaymentMethod(store: StripeStore, card: { brand: string; last4: string; declines?: boolean }, customer: StripeObject | null, now: number): StripeObject {
  return store.insert({
    id: randomId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: { address: null, email: (customer?.email as string | null) ?? null, name: null, phone: null, tax_id: null },
    card: {
      brand: card.brand, checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' }, country: 'US', display_brand: card.brand,
      exp_month: 12, exp_year: new Date(now * 1000).getUTCFullYear() + 3, fingerprint: randomId('fp', 12).slice(3), funding: 'credit', generated_from: null,
      last4: card.last4, networks: { available: [card.brand], preferred: null }, regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true }, wallet: null,
    },
    created: now,
    customer: customer?.id ?? null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  });
}

/** Whether charges on this payment method decline (the 0341 test card). */
export function declines(pm: StripeObject) {
  return (pm.card as { last4?: string } | undefined)?.last4 === '0341';
}

function money(amount: number, currency: string) {
  return `${currency === 'usd' ? '$' : `${currency.toUpperCase()} `}${(amount / 100).toFixed(2)}`;
}

/**
 * One collection attempt on a finalized invoice. Creates (or reuses) the invoice's PaymentIntent,
 * a charge per attempt and the invoice_payment; marks the invoice paid or records the failure.
 * Returns whether it was paid. The caller moves the subscription's status.
 */
export function attemptInvoicePayment(store: StripeStore, request: EventRequest, invoiceId: string, now: number, paymentMethodId?: string | null): boolean {
  let invoice = store.get('invoice', invoiceId);
  const customer = store.get('customer', invoice.customer as string);
  const subscriptionId = (invoice.parent as { subscription_details?: { subscription?: string } } | null)?.subscription_details?.subscription;
  const subscription = subscriptionId ? store.find(subscriptionId) : undefined;
  const amount = invoice.amount_remaining as number;
  const transitions = invoice.status_transitions as Params;
  if (amount === 0) {
    invoice = store.save({ ...invoice, status: 'paid', amount_paid: invoice.amount_due, attempted: true, next_payment_attempt: null, auto_advance: false, status_transitions: { ...transitions, paid_at: now } });
    store.emit('invoice.paid', invoice, request);
    return true;
  }
  const pmId = paymentMethodId ?? (subscription?.default_payment_method as string | null) ?? ((customer.invoice_settings as Params).default_payment_method as string | null) ?? null;
  const pm = pmId ? store.find(pmId) : undefined;
  const currency = invoice.currency as string;
  const payment = store.all('invoice_payment').find((p) => p.invoice === invoice.id);
  let intent = payment ? store.get('payment_intent', (payment.payment as Params).payment_intent as string) : undefined;
  if (!intent) {
    intent = store.insert({
      id: randomId('pi'), object: 'payment_intent', allowed_payment_method_types: null, amount, amount_capturable: 0,
      amount_details: { tip: {} }, amount_received: 0, application: null, application_fee_amount: null,
      automatic_payment_methods: null, canceled_at: null, cancellation_reason: null, capture_method: 'automatic',
      client_secret: `${randomId('pi')}_secret_${randomId('s', 12).slice(2)}`, confirmation_method: 'automatic', created: now, currency,
      customer: customer.id, customer_account: null, description: `Payment for Invoice`, excluded_payment_method_types: null,
      last_payment_error: null, latest_charge: null, livemode: false, managed_payments: null, metadata: {}, next_action: null, on_behalf_of: null,
      payment_method: null, payment_method_configuration_details: null, payment_method_options: { card: { request_three_d_secure: 'automatic' } },
      payment_method_types: ['card'], payment_record: null, processing: null, receipt_email: null, review: null, setup_future_usage: null,
      shipping: null, source: null, statement_descriptor: null, statement_descriptor_suffix: null, status: 'requires_payment_method', transfer_group: null,
    });
    store.insert({
      id: randomId('inpay'), object: 'invoice_payment', amount_paid: null, amount_requested: amount, created: now, currency, invoice: invoice.id,
      is_default: true, livemode: false, payment: { payment_intent: intent.id, type: 'payment_intent' }, status: 'open',
      status_transitions: { canceled_at: null, paid_at: null },
    });
  }
  const ok = !!pm && !declines(pm);
  const attemptCount = (invoice.attempt_count as number) + 1;
  if (pm) {
    const charge = store.insert({
      id: randomId('ch'), object: 'charge', amount, amount_captured: ok ? amount : 0, amount_refunded: 0, application: null, application_fee: null,
      application_fee_amount: null, balance_transaction: ok ? randomId('txn') : null,
      billing_details: pm.billing_details, calculated_statement_descriptor: 'METERDESK', captured: ok, created: now, currency, customer: customer.id,
      description: 'Subscription update', disputed: false, failure_balance_transaction: null, failure_code: ok ? null : 'card_declined',
      failure_message: ok ? null : 'Your card was declined.', fraud_details: {}, livemode: false, metadata: {}, on_behalf_of: null,
      outcome: { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: ok ? 'approved_by_network' : 'declined_by_network', reason: ok ? null : 'generic_decline', risk_level: 'normal', seller_message: ok ? 'Payment complete.' : 'The bank did not return any further details with this decline.', type: ok ? 'authorized' : 'issuer_declined' },
      paid: ok, payment_intent: intent.id, payment_method: pm.id,
      payment_method_details: { card: { brand: (pm.card as Params).brand, exp_month: (pm.card as Params).exp_month, exp_year: (pm.card as Params).exp_year, last4: (pm.card as Params).last4, network: (pm.card as Params).brand, funding: 'credit', country: 'US' }, type: 'card' },
      receipt_email: null, receipt_number: null, receipt_url: ok ? `${store.publicUrl}/receipts/${invoice.id}` : null, refunded: false, review: null, shipping: null, source: null,
      source_transfer: null, statement_descriptor: null, statement_descriptor_suffix: null, status: ok ? 'succeeded' : 'failed', transfer_data: null, transfer_group: null,
    });
    store.emit(ok ? 'charge.succeeded' : 'charge.failed', charge, request);
    intent = store.save({
      ...intent, latest_charge: charge.id, payment_method: pm.id, status: ok ? 'succeeded' : 'requires_payment_method', amount_received: ok ? amount : 0,
      last_payment_error: ok ? null : { charge: charge.id, code: 'card_declined', decline_code: 'generic_decline', doc_url: 'https://stripe.com/docs/error-codes/card-declined', message: 'Your card was declined.', payment_method: pm, type: 'card_error' },
    });
    store.emit(ok ? 'payment_intent.succeeded' : 'payment_intent.payment_failed', intent, request);
  }
  if (ok) {
    const inpay = store.all('invoice_payment').find((p) => p.invoice === invoice.id)!;
    store.save({ ...inpay, amount_paid: amount, status: 'paid', status_transitions: { canceled_at: null, paid_at: now } });
    invoice = store.save({
      ...invoice, status: 'paid', amount_paid: (invoice.amount_paid as number) + amount, amount_remaining: 0, attempt_count: attemptCount, attempted: true,
      next_payment_attempt: null, auto_advance: false, default_payment_method: null, status_transitions: { ...transitions, paid_at: now },
    });
    store.emit('invoice.paid', invoice, request);
    store.emit('invoice.payment_succeeded', invoice, request);
    return true;
  }
  invoice = store.save({ ...invoice, attempt_count: attemptCount, attempted: true });
  store.emit('invoice.payment_failed', invoice, request);
  return false;
}

export const paymentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/attach',
    params: 'PaymentMethodAttachParams',
    handler: ({ store, path, params, emit }) => {
      if (!params.customer) throw invalid('Missing required param: customer.', 'customer', 'parameter_missing');
      const customer = store.get('customer', params.customer as string, 'customer', 'customer');
      const now = store.now();
      const card = TEST_CARDS[path.id!];
      let pm: StripeObject;
      if (card) pm = newCardPaymentMethod(store, card, customer, now);
      else {
        pm = store.get('payment_method', path.id!, 'PaymentMethod');
        if (pm.customer && pm.customer !== customer.id) throw invalid('The payment method you provided has already been attached to a customer.', undefined, 'payment_method_unexpected_state');
        pm = store.save({ ...pm, customer: customer.id });
      }
      emit('payment_method.attached', pm);
      return pm;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/payment_methods/:id/detach',
    params: 'PaymentMethodDetachParams',
    handler: ({ store, path, emit }) => {
      const pm = store.get('payment_method', path.id!, 'PaymentMethod');
      if (!pm.customer) throw invalid('The payment method you provided is not attached to a customer so detachment is impossible.', undefined, 'payment_method_unexpected_state');
      const saved = store.save({ ...pm, customer: null });
      emit('payment_method.detached', saved, { customer: pm.customer });
      return saved;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_methods/:id',
    params: 'PaymentMethodRetrieveParams',
    handler: ({ store, path }) => store.get('payment_method', path.id!, 'PaymentMethod'),
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/payment_methods',
    params: 'CustomerListPaymentMethodsParams',
    handler: ({ store, path, params, url }) => {
      store.get('customer', path.id!);
      return paginate(store.all('payment_method').filter((p) => p.customer === path.id && (params.type === undefined || p.type === params.type)), params as ListParams, url);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/:id',
    params: 'PaymentIntentRetrieveParams',
    handler: ({ store, path }) => store.get('payment_intent', path.id!, 'payment_intent'),
  },
  {
    method: 'GET',
    pattern: '/v1/charges/:id',
    params: 'ChargeRetrieveParams',
    handler: ({ store, path }) => store.get('charge', path.id!),
  },
  {
    method: 'GET',
    pattern: '/v1/invoice_payments/:id',
    params: 'InvoicePaymentRetrieveParams',
    handler: ({ store, path }) => store.get('invoice_payment', path.id!, 'invoice payment'),
  },
  {
    method: 'GET',
    pattern: '/v1/invoice_payments',
    params: 'InvoicePaymentListParams',
    handler: ({ store, params, url }) => {
      const byPayment = params.payment as Params | undefined;
      return paginate(
        store
          .all('invoice_payment')
          .filter((p) => params.invoice === undefined || p.invoice === params.invoice)
          .filter((p) => params.status === undefined || p.status === params.status)
          .filter((p) => !byPayment?.payment_intent || (p.payment as Params).payment_intent === byPayment.payment_intent),
        params as ListParams,
        url,
      );
    },
  },
  {
    method: 'POST',
    pattern: '/v1/refunds',
    params: 'RefundCreateParams',
    handler: ({ store, params, emit }) => {
      if (!params.charge && !params.payment_intent) throw invalid('One of the following params should be provided for this request: payment_intent or charge.', undefined, 'parameter_missing');
      let charge: StripeObject;
      if (params.charge) charge = store.get('charge', params.charge as string, 'charge', 'charge');
      else {
        const intent = store.get('payment_intent', params.payment_intent as string, 'payment_intent', 'payment_intent');
        if (intent.status !== 'succeeded' || !intent.latest_charge) throw invalid(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'payment_intent', 'charge_not_refundable');
        charge = store.get('charge', intent.latest_charge as string);
      }
      const remaining = (charge.amount as number) - (charge.amount_refunded as number);
      if (remaining === 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
      const amount = (params.amount as number | undefined) ?? remaining;
      if (amount <= 0) throw invalid('Invalid positive integer', 'amount', 'parameter_invalid_integer');
      if (amount > remaining) {
        throw new StripeApiError(400, 'invalid_request_error', `Refund amount (${money(amount, charge.currency as string)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency as string)})`, 'amount_too_large', 'amount');
      }
      const refund = store.insert({
        id: randomId('re'), object: 'refund', amount, balance_transaction: randomId('txn'), charge: charge.id, created: store.now(), currency: charge.currency,
        customer: charge.customer, customer_account: null, destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
        metadata: metadataOf(params.metadata), payment_intent: charge.payment_intent, payment_method: charge.payment_method, reason: (params.reason as string | undefined) ?? null,
        receipt_number: null, source_transfer_reversal: null, status: 'succeeded', transfer_reversal: null,
      });
      const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
      const refunded = (charge.amount_refunded as number) + amount;
      const saved = store.save({ ...charge, amount_refunded: refunded, refunded: refunded === charge.amount });
      emit('refund.created', refund);
      emit('charge.refunded', saved, previous);
      return refund;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/refunds/:id',
    params: 'RefundRetrieveParams',
    handler: ({ store, path }) => store.get('refund', path.id!),
  },
  {
    method: 'GET',
    pattern: '/v1/refunds',
    params: 'RefundListParams',
    handler: ({ store, params, url }) =>
      paginate(
        store
          .all('refund')
          .filter((r) => params.charge === undefined || r.charge === params.charge)
          .filter((r) => params.payment_intent === undefined || r.payment_intent === params.payment_intent),
        params as ListParams,
        url,
      ),
  },
];
