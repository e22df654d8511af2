// Subscription schedules, as far as changes at period end need them: create `from_subscription`
// (one phase: the current items for the current period), update the phases (each phase ends at
// `end_date` or after `duration`; the next starts where it ended), release, cancel, retrieve.
// A clock passing a phase boundary applies the phase's items at the subscription's renewal
// (subscriptions.ts renew), and passing the last phase's end applies `end_behavior`.
import { invalid } from '../errors';
import type { Route } from '../router';
import { randomId, type EventRequest, type StripeObject, type StripeStore } from '../store';
import type { Params } from '../validate';
import { metadataOf, nowFor } from './common';
import { addInterval } from './subscriptions';

export function phaseAt(schedule: StripeObject, at: number): Params | undefined {
  return (schedule.phases as Params[]).find((p) => (p.start_date as number) <= at && at < (p.end_date as number));
}

export function releaseSchedule(store: StripeStore, request: EventRequest, scheduleId: string, at: number): StripeObject {
  const schedule = store.get('subscription_schedule', scheduleId, 'subscription schedule');
  if (schedule.status !== 'active' && schedule.status !== 'not_started') {
    throw invalid(`You cannot release a subscription schedule that is currently in the \`${schedule.status}\` status. It must be in one of the following statuses: \`not_started\`, \`active\`.`);
  }
  const saved = store.save({ ...schedule, status: 'released', released_at: at, released_subscription: schedule.subscription, subscription: null, current_phase: null });
  if (schedule.subscription) {
    const sub = store.get('subscription', schedule.subscription as string);
    const updated = store.save({ ...sub, schedule: null });
    store.emit('customer.subscription.updated', updated, request, { schedule: schedule.id });
  }
  store.emit('subscription_schedule.released', saved, request);
  return saved;
}

function phaseObject(store: StripeStore, phase: Params, start: number, subscription: StripeObject): Params {
  const items = (phase.items as Params[] | undefined) ?? [];
  if (items.length === 0) throw invalid('Missing required param: phases[][items].', 'phases', 'parameter_missing');
  const prices = items.map((i) => store.get('price', i.price as string, 'price', 'phases[][items][][price]'));
  const duration = phase.duration as Params | undefined;
  if (duration && phase.end_date !== undefined) throw invalid('You may only specify one of these parameters: duration, end_date.', 'phases');
  const recurring = prices[0]!.recurring as Params;
  const end = typeof phase.end_date === 'number'
    ? phase.end_date
    : duration
      ? addInterval(start, duration.interval as string, (duration.interval_count as number | undefined) ?? 1)
      : addInterval(start, recurring.interval as string, recurring.interval_count as number);
  if (end <= start) throw invalid('The end_date of a phase must be after its start_date.', 'phases');
  return {
    add_invoice_items: [], application_fee_percent: null, automatic_tax: { disabled_reason: null, enabled: false, liability: null }, billing_cycle_anchor: null,
    billing_thresholds: null, collection_method: null, currency: subscription.currency, default_payment_method: null, default_tax_rates: [], description: null,
    discounts: [], end_date: end, invoice_settings: null,
    items: items.map((i, n) => ({
      billing_thresholds: null, discounts: [], metadata: metadataOf(i.metadata), plan: prices[n]!.id, price: prices[n]!.id,
      ...((prices[n]!.recurring as Params).usage_type === 'metered' ? {} : { quantity: (i.quantity as number | undefined) ?? 1 }), tax_rates: [],
    })),
    metadata: metadataOf(phase.metadata), on_behalf_of: null, proration_behavior: (phase.proration_behavior as string | undefined) ?? 'create_prorations',
    start_date: start, transfer_data: null, trial_end: null,
  };
}

export const subscriptionScheduleRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/subscription_schedules',
    params: 'SubscriptionScheduleCreateParams',
    handler: ({ store, params, request }) => {
      if (!params.from_subscription) throw invalid('The stand-in creates schedules from an existing subscription only: pass `from_subscription`.', 'from_subscription', 'parameter_missing');
      if (params.phases || params.customer || params.start_date) throw invalid('You cannot set `phases`, `customer` or `start_date` when `from_subscription` is set.', 'from_subscription');
      const sub = store.get('subscription', params.from_subscription as string, 'subscription', 'from_subscription');
      if (sub.status === 'canceled') throw invalid('You cannot create a subscription schedule from a canceled subscription.', 'from_subscription');
      if (sub.schedule) throw invalid(`You cannot migrate a subscription that is already attached to a schedule: \`${sub.schedule}\`.`, 'from_subscription');
      const now = nowFor(store, sub.test_clock);
      const items = (sub.items as { data: Params[] }).data;
      const start = items[0]!.current_period_start as number;
      const phase = phaseObject(store, { items: items.map((i) => ({ price: (i.price as Params).id, quantity: i.quantity })), end_date: items[0]!.current_period_end }, start, sub);
      const schedule = store.insert({
        id: randomId('sub_sched'), object: 'subscription_schedule', application: null,
        billing_mode: { flexible: { proration_discounts: 'included' }, type: 'flexible', updated_at: now }, canceled_at: null, completed_at: null, created: now,
        current_phase: { end_date: phase.end_date, start_date: phase.start_date }, customer: sub.customer, customer_account: null,
        default_settings: {
          application_fee_percent: null, automatic_tax: { disabled_reason: null, enabled: false, liability: null }, billing_cycle_anchor: 'automatic',
          billing_thresholds: null, collection_method: 'charge_automatically', default_payment_method: null, description: null,
          invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: 'self' } }, on_behalf_of: null, transfer_data: null,
        },
        end_behavior: 'release', livemode: false, metadata: metadataOf(params.metadata), pause_schedules: [], phases: [phase], released_at: null,
        released_subscription: null, status: 'active', subscription: sub.id, test_clock: sub.test_clock ?? null,
      });
      const updated = store.save({ ...sub, schedule: schedule.id });
      store.emit('subscription_schedule.created', schedule, request);
      store.emit('customer.subscription.updated', updated, request, { schedule: null });
      return schedule;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/subscription_schedules/:id',
    params: 'SubscriptionScheduleRetrieveParams',
    handler: ({ store, path }) => store.get('subscription_schedule', path.id!, 'subscription schedule'),
  },
  {
    method: 'POST',
    pattern: '/v1/subscription_schedules/:id',
    params: 'SubscriptionScheduleUpdateParams',
    handler: ({ store, path, params, emit }) => {
      const schedule = store.get('subscription_schedule', path.id!, 'subscription schedule');
      if (schedule.status !== 'active' && schedule.status !== 'not_started') throw invalid(`You cannot update a subscription schedule that is currently in the \`${schedule.status}\` status.`);
      const sub = store.get('subscription', schedule.subscription as string);
      const previous: Params = {};
      if (params.end_behavior) {
        previous.end_behavior = schedule.end_behavior;
        schedule.end_behavior = params.end_behavior;
      }
      if (params.metadata) schedule.metadata = { ...(schedule.metadata as object), ...metadataOf(params.metadata) };
      if (params.phases) {
        const input = params.phases as Params[];
        const current = schedule.current_phase as { start_date: number; end_date: number } | null;
        // The current phase must be kept, with its start date, as Stripe requires.
        const firstStart = typeof input[0]?.start_date === 'number' ? (input[0].start_date as number) : current?.start_date;
        if (current && firstStart !== current.start_date) throw invalid('You can not modify the start date of the current phase.', 'phases[0][start_date]');
        let start = firstStart ?? nowFor(store, sub.test_clock);
        const phases = input.map((p) => {
          const phase = phaseObject(store, p, start, sub);
          start = phase.end_date as number;
          return phase;
        });
        previous.phases = schedule.phases;
        schedule.phases = phases;
        schedule.current_phase = { start_date: phases[0]!.start_date, end_date: phases[0]!.end_date };
      }
      const saved = store.save(schedule);
      emit('subscription_schedule.updated', saved, previous);
      return saved;
    },
  },
  {
    method: 'POST',
    pattern: '/v1/subscription_schedules/:id/release',
    params: 'SubscriptionScheduleReleaseParams',
    handler: ({ store, path, request }) => {
      const schedule = store.get('subscription_schedule', path.id!, 'subscription schedule');
      const sub = schedule.subscription ? store.find(schedule.subscription as string) : undefined;
      return releaseSchedule(store, request, schedule.id, nowFor(store, sub?.test_clock));
    },
  },
  {
    method: 'POST',
    pattern: '/v1/subscription_schedules/:id/cancel',
    params: 'SubscriptionScheduleCancelParams',
    handler: ({ store, path, emit }) => {
      const schedule = store.get('subscription_schedule', path.id!, 'subscription schedule');
      if (schedule.status !== 'active' && schedule.status !== 'not_started') throw invalid(`You cannot cancel a subscription schedule that is currently in the \`${schedule.status}\` status.`);
      const sub = store.get('subscription', schedule.subscription as string);
      const now = nowFor(store, sub.test_clock);
      const saved = store.save({ ...schedule, status: 'canceled', canceled_at: now, current_phase: null });
      const canceled = store.save({ ...sub, status: 'canceled', canceled_at: now, ended_at: now, schedule: null, cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' } });
      emit('subscription_schedule.canceled', saved);
      emit('customer.subscription.deleted', canceled);
      return saved;
    },
  },
];
