import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId } from '../store';
import type { Params } from '../validate';
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
      if (settings) {
        const before = customer.invoice_settings;
        customer.invoice_settings = { ...(before as Params), ...settings };
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
];
