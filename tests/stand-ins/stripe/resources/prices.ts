import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type EventRequest, type StripeObject, type StripeStore } from '../store';
import { UNSET, type Params } from '../validate';
import { applyUpdate, matchesCreated, metadataOf } from './common';

/** Prices are immutable at Stripe but for these fields. */
const UPDATABLE = ['active', 'currency_options', 'metadata', 'nickname', 'tax_behavior'];

export function createPrice(store: StripeStore, params: Params, request: EventRequest): StripeObject {
  let productId = params.product as string | undefined;
  if (!productId && !params.product_data) throw invalid('Missing required param: product.', 'product', 'parameter_missing');
  if (productId && params.product_data) throw invalid('You may only specify one of these parameters: product, product_data.', 'product_data');
  if (productId) store.get('product', productId, 'product', 'product');
  const scheme = (params.billing_scheme as string | undefined) ?? 'per_unit';
  const hasAmount = params.unit_amount !== undefined || params.unit_amount_decimal !== undefined || params.custom_unit_amount !== undefined;
  if (scheme === 'per_unit' && !hasAmount) throw invalid('Missing required param: unit_amount.', 'unit_amount', 'parameter_missing');
  if (params.unit_amount !== undefined && params.unit_amount_decimal !== undefined) {
    throw invalid('You may only specify one of these parameters: unit_amount, unit_amount_decimal.', 'unit_amount_decimal');
  }
  if (scheme === 'tiered' && !params.tiers) throw invalid('Missing required param: tiers.', 'tiers', 'parameter_missing');
  const recurringParam = params.recurring as Params | undefined;
  if (recurringParam?.usage_type === 'metered' && !recurringParam.meter) {
    throw invalid('Metered prices must be backed by a meter: pass recurring[meter].', 'recurring[meter]', 'parameter_missing');
  }
  if (typeof recurringParam?.meter === 'string') store.get('billing.meter', recurringParam.meter, 'billing meter', 'recurring[meter]');

  const lookupKey = params.lookup_key as string | undefined;
  const holder = lookupKey ? store.all('price').find((p) => p.lookup_key === lookupKey) : undefined;
  if (holder && params.transfer_lookup_key !== true) {
    throw invalid(`A price (\`${holder.id}\`) already uses that lookup key.`, 'lookup_key');
  }
  if (!productId) {
    const data = params.product_data as Params;
    const product = store.insert({
      id: randomId('prod', 14), object: 'product', active: data.active ?? true, created: store.now(), default_price: null, description: null,
      images: [], livemode: false, marketing_features: [], metadata: metadataOf(data.metadata), name: data.name, package_dimensions: null,
      shippable: null, statement_descriptor: data.statement_descriptor ?? null, tax_code: data.tax_code ?? null, tax_details: null, type: 'service',
      unit_label: data.unit_label ?? null, updated: store.now(), url: null,
    });
    store.emit('product.created', product, request);
    productId = product.id;
  }
  if (holder) {
    holder.lookup_key = null;
    store.save(holder);
    store.emit('price.updated', holder, request, { lookup_key: lookupKey });
  }
  const unitAmount = params.unit_amount as number | undefined;
  const price = store.insert({
    id: randomId('price'),
    object: 'price',
    active: (params.active as boolean | undefined) ?? true,
    billing_scheme: scheme,
    created: store.now(),
    currency: String(params.currency).toLowerCase(),
    custom_unit_amount: params.custom_unit_amount ?? null,
    livemode: false,
    lookup_key: lookupKey ?? null,
    metadata: metadataOf(params.metadata),
    nickname: (params.nickname as string | undefined) ?? null,
    product: productId,
    recurring: recurringParam
      ? {
          interval: recurringParam.interval,
          interval_count: recurringParam.interval_count ?? 1,
          meter: recurringParam.meter ?? null,
          trial_period_days: recurringParam.trial_period_days ?? null,
          usage_type: recurringParam.usage_type ?? 'licensed',
        }
      : null,
    tax_behavior: (params.tax_behavior as string | undefined) ?? 'unspecified',
    ...(params.tiers ? { tiers: params.tiers } : {}),
    tiers_mode: params.tiers_mode ?? null,
    transform_quantity: params.transform_quantity ?? null,
    type: recurringParam ? 'recurring' : 'one_time',
    unit_amount: unitAmount ?? null,
    unit_amount_decimal: unitAmount !== undefined ? String(unitAmount) : ((params.unit_amount_decimal as string | undefined) ?? null),
  });
  store.emit('price.created', price, request);
  return price;
}

export const priceRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/prices',
    params: 'PriceCreateParams',
    handler: ({ store, params, request }) => createPrice(store, params, request),
  },
  {
    method: 'GET',
    pattern: '/v1/prices/:id',
    params: 'PriceRetrieveParams',
    handler: ({ store, path }) => store.get('price', path.id!),
  },
  {
    method: 'POST',
    pattern: '/v1/prices/:id',
    params: 'PriceUpdateParams',
    handler: ({ store, path, params, emit, request }) => {
      const price = store.get('price', path.id!);
      const previous = applyUpdate(price, params, UPDATABLE);
      if ('lookup_key' in params) {
        const key = params.lookup_key === UNSET ? null : (params.lookup_key as string);
        if (key !== price.lookup_key) {
          const holder = key ? store.all('price').find((p) => p.lookup_key === key) : undefined;
          if (holder && params.transfer_lookup_key !== true) throw invalid(`A price (\`${holder.id}\`) already uses that lookup key.`, 'lookup_key');
          if (holder) {
            holder.lookup_key = null;
            store.save(holder);
            store.emit('price.updated', holder, request, { lookup_key: key });
          }
          previous.lookup_key = price.lookup_key;
          price.lookup_key = key;
        }
      }
      if (Object.keys(previous).length === 0) return price;
      const saved = store.save(price);
      emit('price.updated', saved, previous);
      return saved;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/prices',
    params: 'PriceListParams',
    handler: ({ store, params, url }) => {
      const lookupKeys = params.lookup_keys as string[] | undefined;
      const recurring = params.recurring as Params | undefined;
      const items = store
        .all('price')
        .filter((p) => params.active === undefined || p.active === params.active)
        .filter((p) => params.currency === undefined || p.currency === params.currency)
        .filter((p) => params.product === undefined || p.product === params.product)
        .filter((p) => params.type === undefined || p.type === params.type)
        .filter((p) => !lookupKeys || (typeof p.lookup_key === 'string' && lookupKeys.includes(p.lookup_key)))
        .filter((p) => !recurring || Object.entries(recurring).every(([k, v]) => (p.recurring as Params | null)?.[k] === v))
        .filter((p) => matchesCreated(p.created, params.created));
      return paginate(items, params as ListParams, url);
    },
  },
];
