// Checkout Sessions in subscription mode. A session stays `open` until a test completes it with
// completeCheckoutSession (what a customer paying on the hosted page does): that attaches a card,
// creates the subscription (with subscription_data's trial) and its first invoice, and emits
// checkout.session.completed after the objects it names exist.
import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type EventRequest, type StripeObject, type StripeStore } from '../store';
import type { Params } from '../validate';
import { metadataOf, nowFor } from './common';
import { createSubscription } from './subscriptions';

const lineItemsBySession = new WeakMap<StripeStore, Map<string, Array<{ price: string; quantity: number }>>>();
const subscriptionDataBySession = new WeakMap<StripeStore, Map<string, Params>>();

function lineItems(store: StripeStore) {
  let m = lineItemsBySession.get(store);
  if (!m) lineItemsBySession.set(store, (m = new Map()));
  return m;
}
function subscriptionData(store: StripeStore) {
  let m = subscriptionDataBySession.get(store);
  if (!m) subscriptionDataBySession.set(store, (m = new Map()));
  return m;
}

export const checkoutRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions',
    params: 'Checkout.SessionCreateParams',
    handler: ({ store, params }) => {
      const mode = (params.mode as string | undefined) ?? 'payment';
      if (mode !== 'subscription') throw invalid(`The stand-in supports mode=subscription only (got ${mode}).`, 'mode');
      const uiMode = (params.ui_mode as string | undefined) ?? 'hosted';
      if (uiMode === 'hosted' && !params.success_url) throw invalid('Missing required param: success_url.', 'success_url', 'parameter_missing');
      const items = (params.line_items as Params[] | undefined) ?? [];
      if (items.length === 0) throw invalid('Missing required param: line_items.', 'line_items', 'parameter_missing');
      const prices = items.map((item, i) => {
        if (!item.price) throw invalid(`Missing required param: line_items[${i}][price].`, `line_items[${i}][price]`, 'parameter_missing');
        const price = store.get('price', item.price as string, 'price', `line_items[${i}][price]`);
        if (price.type !== 'recurring') throw invalid('You must provide at least one recurring price in `subscription` mode when using prices.', `line_items[${i}][price]`);
        if ((price.recurring as Params).usage_type !== 'metered' && item.quantity === undefined) {
          throw invalid(`Missing required param: line_items[${i}][quantity].`, `line_items[${i}][quantity]`, 'parameter_missing');
        }
        return price;
      });
      if (params.customer && params.customer_email) throw invalid('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
      const customer = params.customer ? store.get('customer', params.customer as string, 'customer', 'customer') : undefined;
      const now = nowFor(store, customer?.test_clock);
      const id = randomId('cs_test', 58);
      const amount = prices.reduce((sum, p, i) => sum + ((p.unit_amount as number | null) ?? 0) * ((items[i]!.quantity as number | undefined) ?? 0), 0);
      const trialDays = (params.subscription_data as Params | undefined)?.trial_period_days as number | undefined;
      const session: StripeObject = {
        id,
        object: 'checkout.session',
        adaptive_pricing: null,
        after_expiration: null,
        allow_promotion_codes: (params.allow_promotion_codes as boolean | undefined) ?? null,
        allowed_payment_method_types: null,
        amount_subtotal: amount,
        amount_total: trialDays ? 0 : amount,
        automatic_tax: { enabled: false, liability: null, provider: null, status: null },
        billing_address_collection: (params.billing_address_collection as string | undefined) ?? null,
        cancel_url: (params.cancel_url as string | undefined) ?? null,
        client_reference_id: (params.client_reference_id as string | undefined) ?? null,
        client_secret: null,
        collected_information: null,
        consent: null,
        consent_collection: null,
        created: now,
        currency: prices[0]!.currency,
        currency_conversion: null,
        custom_fields: [],
        custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
        customer: customer?.id ?? null,
        customer_account: null,
        customer_creation: customer ? null : 'always',
        customer_details: customer ? { address: null, business_name: null, email: customer.email, individual_name: null, name: customer.name, phone: null, tax_exempt: 'none', tax_ids: null } : null,
        customer_email: (params.customer_email as string | undefined) ?? null,
        discounts: [],
        expires_at: now + 24 * 3600,
        integration_identifier: null,
        invoice: null,
        invoice_creation: null,
        livemode: false,
        locale: (params.locale as string | undefined) ?? null,
        managed_payments: null,
        metadata: metadataOf(params.metadata),
        mode,
        origin_context: null,
        payment_intent: null,
        payment_link: null,
        payment_method_collection: (params.payment_method_collection as string | undefined) ?? 'always',
        payment_method_configuration_details: null,
        payment_method_options: {},
        payment_method_types: ['card'],
        payment_status: 'unpaid',
        permissions: null,
        recovered_from: null,
        saved_payment_method_options: null,
        setup_intent: null,
        shipping_address_collection: null,
        shipping_cost: null,
        shipping_options: [],
        status: 'open',
        submit_type: null,
        subscription: null,
        success_url: (params.success_url as string | undefined) ?? null,
        total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
        ui_mode: uiMode,
        url: uiMode === 'hosted' ? `${store.publicUrl}/c/pay/${id}` : null,
        wallet_options: null,
      };
      lineItems(store).set(id, items.map((i) => ({ price: i.price as string, quantity: (i.quantity as number | undefined) ?? 1 })));
      subscriptionData(store).set(id, (params.subscription_data as Params | undefined) ?? {});
      return store.insert(session);
    },
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id',
    params: 'Checkout.SessionRetrieveParams',
    handler: ({ store, path }) => store.get('checkout.session', path.id!, 'checkout.session'),
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions',
    params: 'Checkout.SessionListParams',
    handler: ({ store, params, url }) =>
      paginate(
        store
          .all('checkout.session')
          .filter((s) => params.customer === undefined || s.customer === params.customer)
          .filter((s) => params.status === undefined || s.status === params.status)
          .filter((s) => params.subscription === undefined || s.subscription === params.subscription),
        params as ListParams,
        url,
      ),
  },
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions/:id/expire',
    params: 'Checkout.SessionExpireParams',
    handler: ({ store, path, emit }) => {
      const session = store.get('checkout.session', path.id!, 'checkout.session');
      if (session.status !== 'open') throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`);
      session.status = 'expired';
      const saved = store.save(session);
      emit('checkout.session.expired', saved);
      return saved;
    },
  },
];

/** What the customer does on the hosted page: pay with a test card and subscribe. */
export function completeCheckoutSession(store: StripeStore, sessionId: string, request: EventRequest = { id: null, idempotency_key: null }): StripeObject {
  const session = store.get('checkout.session', sessionId, 'checkout.session');
  if (session.status !== 'open') throw new Error(`stand-in: checkout session ${sessionId} is ${session.status}, not open`);
  let customer = session.customer ? store.get('customer', session.customer as string) : undefined;
  if (!customer) {
    customer = store.insert({
      id: randomId('cus', 14), object: 'customer', address: null, balance: 0, created: store.now(), currency: null, default_source: null, delinquent: false,
      description: null, discount: null, email: session.customer_email ?? 'customer@example.com', invoice_prefix: randomId('X', 8).slice(2).toUpperCase(),
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null }, livemode: false, metadata: {},
      name: null, next_invoice_sequence: 1, phone: null, preferred_locales: [], shipping: null, tax_exempt: 'none', test_clock: null,
    });
    store.emit('customer.created', customer, request);
  }
  // A test card (4242…), attached and made the default for invoices.
  const paymentMethod = store.insert({
    id: randomId('pm'), object: 'payment_method', allow_redisplay: 'unspecified', billing_details: { address: null, email: customer.email, name: null, phone: null },
    card: { brand: 'visa', country: 'US', exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, funding: 'credit', last4: '4242' },
    created: store.now(), customer: customer.id, livemode: false, metadata: {}, type: 'card',
  });
  store.emit('payment_method.attached', paymentMethod, request);
  const previousSettings = customer.invoice_settings;
  customer.invoice_settings = { ...(customer.invoice_settings as Params), default_payment_method: paymentMethod.id };
  customer = store.save(customer);
  store.emit('customer.updated', customer, request, { invoice_settings: previousSettings });

  const data = subscriptionData(store).get(sessionId) ?? {};
  const trialDays = data.trial_period_days as number | undefined;
  const now = nowFor(store, customer.test_clock);
  const subscription = createSubscription(store, request, {
    customer,
    items: lineItems(store).get(sessionId) ?? [],
    trialEnd: typeof data.trial_end === 'number' ? data.trial_end : trialDays ? now + trialDays * 86_400 : null,
    metadata: data.metadata,
    defaultPaymentMethod: paymentMethod.id,
    trialSettings: data.trial_settings,
    description: (data.description as string | undefined) ?? null,
  });
  session.status = 'complete';
  session.payment_status = session.amount_total === 0 ? 'no_payment_required' : 'paid';
  session.customer = customer.id;
  session.subscription = subscription.id;
  session.invoice = subscription.latest_invoice;
  const saved = store.save(session);
  store.emit('checkout.session.completed', saved, request);
  return saved;
}
