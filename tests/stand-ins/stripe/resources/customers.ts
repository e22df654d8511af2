import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId } from '../store';
import { invalid } from '../errors';
import { UNSET, type Params } from '../validate';
import { applyUpdate, matchesCreated, metadataOf, nowFor } from './common';

const UPDATABLE = ['address', 'business_name', 'description', 'email', 'individual_name', 'metadata', 'name', 'phone', 'preferred_locales', 'shipping', 'tax_exempt'];

export const customerRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/customers',
    params: 'CustomerCreateParams',
    handler: ({ store, params, emit }) => {
      if (params.test_clock) store.get('test_helpers.test_clock', params.test_clock as string, 'test clock', 'test_clock');
      const settings = (params.invoice_settings as Params | undefined) ?? {};
      const customer = store.insert({
        id: randomId('cus', 14),
        object: 'customer',
        address: params.address ?? null,
        balance: (params.balance as number | undefined) ?? 0,
        business_name: (params.business_name as string | undefined) ?? null,
        created: nowFor(store, params.test_clock),
        currency: null,
        default_source: null,
        delinquent: false,
        description: (params.description as string | undefined) ?? null,
        discount: null,
        email: (params.email as string | undefined) ?? null,
        individual_name: (params.individual_name as string | undefined) ?? null,
        invoice_prefix: randomId('X', 8).slice(2).toUpperCase(),
        invoice_settings: {
          custom_fields: settings.custom_fields ?? null,
          default_payment_method: settings.default_payment_method ?? null,
          footer: settings.footer ?? null,
          rendering_options: settings.rendering_options ?? null,
        },
        livemode: false,
        metadata: metadataOf(params.metadata),
        name: (params.name as string | undefined) ?? null,
        next_invoice_sequence: 1,
        phone: (params.phone as string | undefined) ?? null,
        preferred_locales: (params.preferred_locales as string[] | undefined) ?? [],
        shipping: params.shipping ?? null,
        tax_exempt: (params.tax_exempt as string | undefined) ?? 'none',
        test_clock: (params.test_clock as string | undefined) ?? null,
      });
      emit('customer.created', customer);
      return customer;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id',
    params: 'CustomerRetrieveParams',
    handler: ({ store, path }) => store.get('customer', path.id!),
  },
  {
    method: 'POST',
    pattern: '/v1/customers/:id',
    params: 'CustomerUpdateParams',
    handler: ({ store, path, params, emit }) => {
      const customer = store.get('customer', path.id!);
      const previous = applyUpdate(customer, params, UPDATABLE);
      const settings = params.invoice_settings as Params | undefined;
      if (settings?.default_payment_method && settings.default_payment_method !== UNSET) {
        const pm = store.get('payment_method', settings.default_payment_method as string, 'PaymentMethod', 'invoice_settings[default_payment_method]');
        if (pm.customer !== customer.id) throw invalid(`The customer does not have a payment method with the ID ${pm.id}. The payment method must be attached to the customer.`, 'invoice_settings[default_payment_method]');
      }
      if (settings) {
        const before = customer.invoice_settings;
        customer.invoice_settings = { ...(before as Params), ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v === UNSET ? null : v])) };
        if (JSON.stringify(before) !== JSON.stringify(customer.invoice_settings)) previous.invoice_settings = before;
      }
      if (Object.keys(previous).length === 0) return customer;
      const saved = store.save(customer);
      emit('customer.updated', saved, previous);
      return saved;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers',
    params: 'CustomerListParams',
    handler: ({ store, params, url }) =>
      paginate(
        store
          .all('customer')
          .filter((c) => params.email === undefined || c.email === params.email)
          .filter((c) => params.test_clock === undefined || c.test_clock === params.test_clock)
          .filter((c) => matchesCreated(c.created, params.created)),
        params as ListParams,
        url,
      ),
  },
  // Customer balance: a negative amount is a credit the next invoices use before charging the card.
  {
    method: 'POST',
    pattern: '/v1/customers/:id/balance_transactions',
    params: 'CustomerCreateBalanceTransactionParams',
    handler: ({ store, path, params, emit }) => {
      const customer = store.get('customer', path.id!);
      const amount = params.amount as number;
      if (amount === 0) throw invalid('Amount must be non-zero.', 'amount');
      const currency = String(params.currency).toLowerCase();
      if (customer.currency && customer.currency !== currency) {
        throw invalid(`The customer's balance is in ${customer.currency}; a transaction in ${currency} cannot be added.`, 'currency');
      }
      const ending = (customer.balance as number) + amount;
      const transaction = store.insert({
        id: randomId('cbtxn'), object: 'customer_balance_transaction', amount, checkout_session: null, created: nowFor(store, customer.test_clock), credit_note: null,
        currency, customer: customer.id, customer_account: null, description: (params.description as string | undefined) ?? null, ending_balance: ending,
        invoice: null, livemode: false, metadata: metadataOf(params.metadata), type: 'adjustment',
      });
      const saved = store.save({ ...customer, balance: ending, currency: customer.currency ?? currency });
      emit('customer.updated', saved, { balance: customer.balance, ...(customer.currency ? {} : { currency: null }) });
      return transaction;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/customers/:id/balance_transactions',
    params: 'CustomerListBalanceTransactionsParams',
    handler: ({ store, path, params, url }) => {
      store.get('customer', path.id!);
      return paginate(store.all('customer_balance_transaction').filter((t) => t.customer === path.id), params as ListParams, url);
    },
  },
];
