import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId, type StripeObject } from '../store';
import { UNSET, type Params } from '../validate';
import { mergeMetadata, metadataOf } from './common';

const DEFAULT_FEATURES = {
  customer_update: { allowed_updates: [], enabled: false },
  invoice_history: { enabled: false },
  payment_method_update: { enabled: false, payment_method_configuration: null },
  subscription_cancel: {
    cancellation_reason: { enabled: false, options: [] },
    enabled: false,
    mode: 'at_period_end',
    proration_behavior: 'none',
  },
  subscription_update: {
    billing_cycle_anchor: null,
    default_allowed_updates: [],
    enabled: false,
    products: [],
    proration_behavior: 'none',
    schedule_at_period_end: { conditions: [] },
    trial_update_behavior: 'end_trial',
  },
};

/** Deep merge of form params into an object; '' unsets (null, or [] for lists). */
function merge(target: Params, update: Params): Params {
  const out: Params = { ...target };
  for (const [k, v] of Object.entries(update)) {
    if (v === UNSET) out[k] = Array.isArray(target[k]) ? [] : null;
    else if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object' && !Array.isArray(target[k])) {
      out[k] = merge(target[k] as Params, v as Params);
    } else out[k] = v;
  }
  return out;
}

export const portalRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/billing_portal/configurations',
    params: 'BillingPortal.ConfigurationCreateParams',
    handler: ({ store, params, emit }) => {
      const now = store.now();
      const isFirst = store.all('billing_portal.configuration').length === 0;
      const config = store.insert({
        id: randomId('bpc'),
        object: 'billing_portal.configuration',
        active: true,
        application: null,
        business_profile: merge({ headline: null, privacy_policy_url: null, terms_of_service_url: null }, (params.business_profile as Params) ?? {}),
        created: now,
        default_return_url: (params.default_return_url as string | undefined) ?? null,
        features: merge(DEFAULT_FEATURES, params.features as Params),
        is_default: isFirst,
        livemode: false,
        login_page: { enabled: (params.login_page as Params | undefined)?.enabled ?? false, url: null },
        metadata: metadataOf(params.metadata),
        name: (params.name as string | undefined) ?? null,
        updated: now,
      });
      emit('billing_portal.configuration.created', config);
      return config;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/billing_portal/configurations/:id',
    params: 'BillingPortal.ConfigurationRetrieveParams',
    handler: ({ store, path }) => store.get('billing_portal.configuration', path.id!, 'configuration'),
  },
  {
    method: 'POST',
    pattern: '/v1/billing_portal/configurations/:id',
    params: 'BillingPortal.ConfigurationUpdateParams',
    handler: ({ store, path, params, emit }) => {
      const config = store.get('billing_portal.configuration', path.id!, 'configuration');
      const before = JSON.stringify(config);
      const previous: Params = {};
      for (const key of ['active', 'business_profile', 'default_return_url', 'features', 'login_page', 'name'] as const) {
        if (!(key in params)) continue;
        const value = params[key];
        const next = value && typeof value === 'object' ? merge(config[key] as Params, value as Params) : value === UNSET ? null : value;
        if (JSON.stringify(next) !== JSON.stringify(config[key])) {
          previous[key] = config[key];
          config[key] = next;
        }
      }
      if ('metadata' in params) {
        const next = mergeMetadata(config.metadata as Record<string, string>, params.metadata);
        if (JSON.stringify(next) !== JSON.stringify(config.metadata)) {
          previous.metadata = config.metadata;
          config.metadata = next;
        }
      }
      if (JSON.stringify(config) === before) return config;
      config.updated = store.now();
      const saved = store.save(config);
      emit('billing_portal.configuration.updated', saved, previous);
      return saved;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/billing_portal/configurations',
    params: 'BillingPortal.ConfigurationListParams',
    handler: ({ store, params, url }) =>
      paginate(
        store
          .all('billing_portal.configuration')
          .filter((c) => params.active === undefined || c.active === params.active)
          .filter((c) => params.is_default === undefined || c.is_default === params.is_default),
        params as ListParams,
        url,
      ),
  },
  {
    method: 'POST',
    pattern: '/v1/billing_portal/sessions',
    params: 'BillingPortal.SessionCreateParams',
    handler: ({ store, params }) => {
      const customer = store.get('customer', params.customer as string, 'customer', 'customer');
      const configs = store.all('billing_portal.configuration');
      const config = params.configuration
        ? store.get('billing_portal.configuration', params.configuration as string, 'configuration', 'configuration')
        : configs.find((c) => c.is_default);
      if (!config) {
        throw invalid("You can't create a portal session in test mode until you save your customer portal settings in test mode.");
      }
      const id = randomId('bps');
      const session: StripeObject = {
        id,
        object: 'billing_portal.session',
        configuration: config.id,
        created: store.now(),
        customer: customer.id,
        customer_account: null,
        flow: params.flow_data ?? null,
        livemode: false,
        locale: (params.locale as string | undefined) ?? null,
        on_behalf_of: (params.on_behalf_of as string | undefined) ?? null,
        return_url: (params.return_url as string | undefined) ?? config.default_return_url ?? null,
        url: `${store.publicUrl}/p/session/${id}`,
      };
      return store.insert(session);
    },
  },
];
