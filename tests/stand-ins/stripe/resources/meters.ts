import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { HandlerContext, Route } from '../router';
import { randomId, type StripeObject } from '../store';
import type { Params } from '../validate';

export const meterRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/billing/meters',
    params: 'Billing.MeterCreateParams',
    handler: ({ store, params, emit }) => {
      const eventName = params.event_name as string;
      if (store.all('billing.meter').some((m) => m.event_name === eventName)) {
        throw invalid(`A meter with event_name \`${eventName}\` already exists.`, 'event_name');
      }
      const now = store.now();
      const meter = store.insert({
        id: randomId('mtr'),
        object: 'billing.meter',
        created: now,
        customer_mapping: params.customer_mapping ?? { event_payload_key: 'stripe_customer_id', type: 'by_id' },
        default_aggregation: params.default_aggregation,
        display_name: params.display_name,
        event_name: eventName,
        event_time_window: params.event_time_window ?? null,
        livemode: false,
        status: 'active',
        status_transitions: { deactivated_at: null },
        updated: now,
        value_settings: params.value_settings ?? { event_payload_key: 'value' },
      });
      emit('billing.meter.created', meter);
      return meter;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/billing/meters/:id',
    params: 'Billing.MeterRetrieveParams',
    handler: ({ store, path }) => store.get('billing.meter', path.id!, 'billing meter'),
  },
  {
    method: 'POST',
    pattern: '/v1/billing/meters/:id',
    params: 'Billing.MeterUpdateParams',
    handler: ({ store, path, params, emit }) => {
      const meter = store.get('billing.meter', path.id!, 'billing meter');
      if (params.display_name === undefined || params.display_name === meter.display_name) return meter;
      const previous = { display_name: meter.display_name };
      meter.display_name = params.display_name;
      meter.updated = store.now();
      const saved = store.save(meter);
      emit('billing.meter.updated', saved, previous);
      return saved;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/billing/meters/:id/deactivate',
    params: 'Billing.MeterDeactivateParams',
    handler: (ctx) => setStatus(ctx, 'inactive'),
  },
  {
    method: 'POST',
    pattern: '/v1/billing/meters/:id/reactivate',
    params: 'Billing.MeterReactivateParams',
    handler: (ctx) => setStatus(ctx, 'active'),
  },
  {
    method: 'GET',
    pattern: '/v1/billing/meters',
    params: 'Billing.MeterListParams',
    handler: ({ store, params, url }) =>
      paginate(store.all('billing.meter').filter((m) => params.status === undefined || m.status === params.status), params as ListParams, url),
  },
];

function setStatus({ store, path, emit }: HandlerContext, status: 'active' | 'inactive'): StripeObject {
  const meter = store.get('billing.meter', path.id!, 'billing meter');
  if (meter.status === status) {
    throw invalid(`This meter is already ${status === 'active' ? 'active' : 'inactive'}.`);
  }
  const now = store.now();
  meter.status = status;
  (meter.status_transitions as Params).deactivated_at = status === 'inactive' ? now : null;
  meter.updated = now;
  const saved = store.save(meter);
  emit(status === 'inactive' ? 'billing.meter.deactivated' : 'billing.meter.reactivated', saved);
  return saved;
}
