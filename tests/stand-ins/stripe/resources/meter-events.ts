// Meter events: accepted when a meter with that event_name is active and the payload carries its
// customer and value keys; deduplicated by `identifier` (Stripe enforces uniqueness over a
// rolling 24 h at least). A repeated identifier is refused with a 400 — the stricter of the
// answers a client may meet — so the app must treat it as "already reported".
import { invalid } from '../errors';
import type { Route } from '../router';
import { randomId } from '../store';

export const meterEventRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/billing/meter_events',
    params: 'Billing.MeterEventCreateParams',
    handler: ({ store, params }) => {
      const eventName = params.event_name as string;
      const payload = params.payload as Record<string, string>;
      const meter = store.all('billing.meter').find((m) => m.event_name === eventName && m.status === 'active');
      if (!meter) throw invalid(`No active meter was found with event_name \`${eventName}\`.`, 'event_name');
      const customerKey = (meter.customer_mapping as { event_payload_key: string }).event_payload_key;
      const valueKey = (meter.value_settings as { event_payload_key: string }).event_payload_key;
      if (!payload[customerKey]) throw invalid(`Missing required param: payload[${customerKey}].`, `payload[${customerKey}]`, 'parameter_missing');
      if (payload[valueKey] === undefined) throw invalid(`Missing required param: payload[${valueKey}].`, `payload[${valueKey}]`, 'parameter_missing');
      if (!/^-?\d+(\.\d+)?$/.test(payload[valueKey]!)) throw invalid(`Invalid payload[${valueKey}]: must be a number.`, `payload[${valueKey}]`);
      store.get('customer', payload[customerKey]!, 'customer', `payload[${customerKey}]`);
      const now = store.now();
      const timestamp = (params.timestamp as number | undefined) ?? now;
      if (timestamp < now - 35 * 86_400 || timestamp > now + 300) {
        throw invalid('Timestamp must be within the past 35 calendar days or up to 5 minutes in the future.', 'timestamp');
      }
      const identifier = (params.identifier as string | undefined) ?? randomId('mev', 20);
      const seenAt = store.meterEventIdentifiers.get(identifier);
      if (seenAt !== undefined && seenAt > now - 86_400) {
        throw invalid(`An event already exists with identifier \`${identifier}\`.`, 'identifier', 'meter_event_duplicate_identifier');
      }
      store.meterEventIdentifiers.set(identifier, now);
      const event = { object: 'billing.meter_event', created: now, event_name: eventName, identifier, livemode: false, payload, timestamp };
      store.meterEvents.push({ id: identifier, ...event });
      return event;
    },
  },
];

/** The sum of a meter's values for one customer, as Stripe's event summaries would aggregate it. */
export function meterTotal(store: import('../store').StripeStore, eventName: string, customer: string): number {
  return store.meterEvents
    .filter((e) => e.event_name === eventName && (e.payload as Record<string, string>).stripe_customer_id === customer)
    .reduce((sum, e) => sum + Number((e.payload as Record<string, string>).value), 0);
}
