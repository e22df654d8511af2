// Test clocks. `advance` answers `advancing` at once, as Stripe does; then, off the request, the
// clock's subscriptions live through the time in between (subscriptions.ts advanceSubscriptions:
// trial ends, renewals, retries, cancellations, schedule phases) and the clock turns `ready`.
// Callers poll the clock until it is ready, exactly as with real Stripe.
import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId } from '../store';
import { advanceSubscriptions } from './subscriptions';

export const testClockRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/test_helpers/test_clocks',
    params: 'TestHelpers.TestClockCreateParams',
    handler: ({ store, params, emit }) => {
      const now = store.now();
      const clock = store.insert({
        id: randomId('clock'),
        object: 'test_helpers.test_clock',
        created: now,
        deletes_after: now + 30 * 86_400,
        frozen_time: params.frozen_time as number,
        livemode: false,
        name: (params.name as string | undefined) ?? null,
        status: 'ready',
        status_details: {},
      });
      emit('test_helpers.test_clock.created', clock);
      return clock;
    },
  },
  {
    method: 'GET',
    pattern: '/v1/test_helpers/test_clocks/:id',
    params: 'TestHelpers.TestClockRetrieveParams',
    handler: ({ store, path }) => store.get('test_helpers.test_clock', path.id!, 'test clock'),
  },
  {
    method: 'GET',
    pattern: '/v1/test_helpers/test_clocks',
    params: 'TestHelpers.TestClockListParams',
    handler: ({ store, params, url }) => paginate(store.all('test_helpers.test_clock'), params as ListParams, url),
  },
  {
    method: 'POST',
    pattern: '/v1/test_helpers/test_clocks/:id/advance',
    params: 'TestHelpers.TestClockAdvanceParams',
    handler: ({ store, path, params, emit, request }) => {
      const clock = store.get('test_helpers.test_clock', path.id!, 'test clock');
      const target = params.frozen_time as number;
      if (clock.status !== 'ready') throw invalid('The test clock is already advancing.', undefined, 'test_clock_advancing');
      if (target <= (clock.frozen_time as number)) throw invalid('Cannot advance the test clock to a time before or equal to its current frozen time.', 'frozen_time');
      const advancing = { ...clock, status: 'advancing', status_details: { advancing: { target_frozen_time: target } } };
      store.save(advancing);
      emit('test_helpers.test_clock.advancing', advancing);
      setImmediate(() => {
        try {
          advanceSubscriptions(store, request, clock.id, target);
        } catch (error) {
          // A stand-in bug must not hang the test polling for `ready`: report it and finish.
          console.error('stand-in: test clock advance failed', error);
        }
        const ready = store.save({ ...store.get('test_helpers.test_clock', clock.id), frozen_time: target, status: 'ready', status_details: {} });
        emit('test_helpers.test_clock.ready', ready);
      });
      return advancing;
    },
  },
  {
    method: 'DELETE',
    pattern: '/v1/test_helpers/test_clocks/:id',
    params: 'TestHelpers.TestClockDeleteParams',
    handler: ({ store, path, emit }) => {
      const clock = store.get('test_helpers.test_clock', path.id!, 'test clock');
      store.remove(clock.id);
      emit('test_helpers.test_clock.deleted', clock);
      return { id: clock.id, object: 'test_helpers.test_clock', deleted: true };
    },
  },
];
