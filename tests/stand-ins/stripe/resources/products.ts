import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type StripeObject } from '../store';
import { applyUpdate, matchesCreated, metadataOf } from './common';
import { createPrice } from './prices';

const UPDATABLE = ['active', 'default_price', 'description', 'images', 'marketing_features', 'metadata', 'name', 'package_dimensions', 'shippable', 'statement_descriptor', 'tax_code', 'tax_details', 'unit_label', 'url'];

export const productRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/products',
    params: 'ProductCreateParams',
    handler: ({ store, params, emit, request }) => {
      const id = (params.id as string | undefined) ?? randomId('prod', 14);
      if (store.find(id)) throw invalid(`Product already exists.`, 'id', 'resource_already_exists');
      const now = store.now();
      let product: StripeObject = {
        id,
        object: 'product',
        active: (params.active as boolean | undefined) ?? true,
        created: now,
        default_price: null,
        description: (params.description as string | undefined) ?? null,
        images: (params.images as string[] | undefined) ?? [],
        livemode: false,
        marketing_features: (params.marketing_features as unknown[] | undefined) ?? [],
        metadata: metadataOf(params.metadata),
        name: params.name,
        package_dimensions: params.package_dimensions ?? null,
        shippable: (params.shippable as boolean | undefined) ?? null,
        statement_descriptor: (params.statement_descriptor as string | undefined) ?? null,
        tax_code: (params.tax_code as string | undefined) ?? null,
        tax_details: params.tax_details ?? null,
        type: (params.type as string | undefined) ?? 'service',
        unit_label: (params.unit_label as string | undefined) ?? null,
        updated: now,
        url: (params.url as string | undefined) ?? null,
      };
      product = store.insert(product);
      emit('product.created', product);
      if (params.default_price_data) {
        const price = createPrice(store, { ...(params.default_price_data as object), product: id }, request);
        product.default_price = price.id;
        product = store.save(product);
      }
      return product;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/products/:id',
    params: 'ProductRetrieveParams',
    handler: ({ store, path }) => store.get('product', path.id!),
  },
  {
    method: 'POST',
    pattern: '/v1/products/:id',
    params: 'ProductUpdateParams',
    handler: ({ store, path, params, emit }) => {
      const product = store.get('product', path.id!);
      if (typeof params.default_price === 'string') {
        const price = store.get('price', params.default_price, 'price', 'default_price');
        if (price.product !== product.id) throw invalid(`The price ${price.id} does not belong to this product.`, 'default_price');
      }
      const previous = applyUpdate(product, params, UPDATABLE);
      if (Object.keys(previous).length === 0) return product;
      product.updated = store.now();
      const saved = store.save(product);
      emit('product.updated', saved, previous);
      return saved;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/products',
    params: 'ProductListParams',
    handler: ({ store, params, url }) => {
      const ids = params.ids as string[] | undefined;
      const items = store
        .all('product')
        .filter((p) => params.active === undefined || p.active === params.active)
        .filter((p) => !ids || ids.includes(p.id))
        .filter((p) => params.shippable === undefined || p.shippable === params.shippable)
        .filter((p) => params.type === undefined || p.type === params.type)
        .filter((p) => params.url === undefined || p.url === params.url)
        .filter((p) => matchesCreated(p.created, params.created));
      return paginate(items, params as ListParams, url);
    },
  },
];
