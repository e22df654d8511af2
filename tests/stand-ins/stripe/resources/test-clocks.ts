// Test clocks. Advancing moves frozen_time and reports `advancing`, then `ready`, with their
// events. Simulating what time does to attached subscriptions (trial end, renewals, invoices,
// dunning) is the next step of the stand-in; nothing on the clock moves yet but the clock.
import { invalid } from '../errors';
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { randomId } from '../store';

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
    handler: ({ store, path, params, emit }) => {
      const clock = store.get('test_helpers.test_clock', path.id!, 'test clock');
      const target = params.frozen_time as number;
      if (clock.status !== 'ready') throw invalid('The test clock is already advancing.', undefined, 'test_clock_advancing');
      if (target <= (clock.frozen_time as number)) throw invalid('Cannot advance the test clock to a time before or equal to its current frozen time.', 'frozen_time');
      const advancing = { ...clock, status: 'advancing', status_details: { advancing: { target_frozen_time: target } } };
      store.save(advancing);
      emit('test_helpers.test_clock.advancing', advancing);
      const ready = store.save({ ...clock, frozen_time: target, status: 'ready', status_details: {} });
      emit('test_helpers.test_clock.ready', ready);
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
