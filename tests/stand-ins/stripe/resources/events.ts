// Events of the last 30 days, newest first, filtered by `type` (with `*` wildcards), `types[]`
// and `created`, paginated like every list.
import { paginate, type ListParams } from '../list';
import type { Route } from '../router';
import { matchesCreated } from './common';

const THIRTY_DAYS = 30 * 86_400;

function typeMatches(pattern: string, type: string) {
  if (!pattern.includes('*')) return pattern === type;
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(type);
}

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/v1/events/:id',
    params: 'EventRetrieveParams',
    handler: ({ store, path }) => store.get('event', path.id!),
  },
  {
    method: 'GET',
    pattern: '/v1/events',
    params: 'EventListParams',
    handler: ({ store, params, url }) => {
      const since = store.now() - THIRTY_DAYS;
      const types = params.types as string[] | undefined;
      const items = store
        .all('event')
        .filter((e) => e.created >= since)
        .filter((e) => params.type === undefined || typeMatches(params.type as string, e.type as string))
        .filter((e) => !types || types.includes(e.type as string))
        .filter((e) => params.delivery_success === undefined || params.delivery_success === true)
        .filter((e) => matchesCreated(e.created, params.created));
      return paginate(items, params as ListParams, url);
    },
  },
];
