// contacts.list paged by keyset for the virtualized table: 200 rows a page, the next page fetched as
// the user scrolls near the end. The key sits under tRPC's contacts.list path, so invalidating
// `trpc.contacts.pathKey()` reaches it.
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { RouterInputs, RouterOutputs } from '../../lib/me';
import { useTRPC, useTRPCClient } from '../../trpc';

export const CONTACTS_PAGE_SIZE = 200;
export type ContactsPage = RouterOutputs['contacts']['list'];
export type ContactRow = ContactsPage['rows'][number];
export type ContactFilters = Omit<RouterInputs['contacts']['list'], 'cursor' | 'limit'>;
type Cursor = RouterInputs['contacts']['list']['cursor'];

export function useContactsQuery(filters: ContactFilters) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  return useInfiniteQuery({
    queryKey: [...trpc.contacts.list.pathKey(), { input: filters, type: 'infinite' }],
    queryFn: ({ pageParam, signal }) => client.contacts.list.query({ ...filters, cursor: pageParam, limit: CONTACTS_PAGE_SIZE }, { signal }),
    initialPageParam: undefined as Cursor,
    getNextPageParam: (last: ContactsPage) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
