// members.list paged by offset for the virtualized table: 200 rows a page, the next page fetched as
// the user scrolls near the end of what is loaded. The key sits under tRPC's members.list path, so
// invalidating `trpc.members.pathKey()` reaches it like any other members query.
import { keepPreviousData, useInfiniteQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { RouterOutputs } from '../../lib/me';
import { useTRPC, useTRPCClient } from '../../trpc';

export const MEMBERS_PAGE_SIZE = 200;

export type MembersPage = RouterOutputs['members']['list'];
export type MemberRow = MembersPage['items'][number];

export interface MemberFilters {
  search?: string;
  role?: MemberRow['role'];
  teamId?: string;
  status?: 'active' | 'deactivated';
}

export function useMembersQuery(filters: MemberFilters) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  return useInfiniteQuery({
    queryKey: [...trpc.members.list.pathKey(), { input: filters, type: 'infinite' }],
    queryFn: ({ pageParam, signal }) => client.members.list.query({ ...filters, offset: pageParam, limit: MEMBERS_PAGE_SIZE }, { signal }),
    initialPageParam: 0,
    getNextPageParam: (last: MembersPage) => {
      const next = last.offset + last.items.length;
      return last.items.length > 0 && next < last.total ? next : undefined;
    },
    placeholderData: keepPreviousData,
  });
}

/**
 * Changes loaded rows in place (a new role, a removed member) so the table keeps its scroll position
 * instead of refetching every page it has loaded.
 */
export function usePatchMemberRows() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    (membershipId: string, patch: Partial<MemberRow> | 'remove') => {
      queryClient.setQueriesData<InfiniteData<MembersPage, number>>({ queryKey: trpc.members.list.pathKey() }, (data) => {
        if (!data || !('pages' in data)) return data;
        if (patch !== 'remove') {
          return { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((m) => (m.membershipId === membershipId ? { ...m, ...patch } : m)) })) };
        }
        // Rows after the removed one moved up by one on the server: keep the next page's offset right.
        let found = false;
        const pages = data.pages.map((page) => {
          const shifted = { ...page, total: Math.max(0, page.total - 1), offset: found ? page.offset - 1 : page.offset };
          if (found || !page.items.some((m) => m.membershipId === membershipId)) return shifted;
          found = true;
          return { ...shifted, items: page.items.filter((m) => m.membershipId !== membershipId) };
        });
        return found ? { ...data, pages } : data;
      });
    },
    [trpc, queryClient],
  );
}
