// Stripe's cursor pagination: newest first, `limit` 1–100 (default 10), `starting_after` /
// `ending_before` by object id, `has_more`, and the list's `url`.
import { invalid } from './errors';
import type { StripeObject } from './store';

export interface ListParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

export function paginate<T extends StripeObject>(items: T[], params: ListParams, url: string) {
  const limit = params.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw invalid('Invalid limit: must be an integer between 1 and 100', 'limit');
  }
  if (params.starting_after && params.ending_before) {
    throw invalid('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  }
  let page: T[];
  let hasMore: boolean;
  if (params.ending_before) {
    const at = indexOf(items, params.ending_before, 'ending_before');
    const before = items.slice(0, at);
    page = before.slice(Math.max(0, before.length - limit));
    hasMore = before.length > limit;
  } else {
    const start = params.starting_after ? indexOf(items, params.starting_after, 'starting_after') + 1 : 0;
    page = items.slice(start, start + limit);
    hasMore = items.length > start + limit;
  }
  return { object: 'list' as const, data: page, has_more: hasMore, url };
}

function indexOf(items: StripeObject[], id: string, param: string) {
  const at = items.findIndex((i) => i.id === id);
  if (at < 0) throw invalid(`No such object: '${id}'`, param, 'resource_missing');
  return at;
}
