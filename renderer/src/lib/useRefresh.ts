// After a change, the lists that show it are marked stale (and refetched where they are on screen).
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../trpc';

export function useRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMemo(() => {
    const invalidate = (...keys: readonly unknown[][]) => Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    const audit = trpc.audit.pathKey();
    return {
      members: () => invalidate(trpc.members.pathKey(), trpc.organization.overview.pathKey(), audit),
      /**
       * One member's details, team counts and the dashboard, without refetching every loaded page of
       * the members list (callers patch the rows they changed: see usePatchMemberRows).
       */
      member: () => invalidate(trpc.members.get.pathKey(), trpc.teams.pathKey(), trpc.organization.overview.pathKey(), trpc.usage.pathKey(), audit),
      teams: () => invalidate(trpc.teams.pathKey(), trpc.members.pathKey(), trpc.organization.overview.pathKey(), trpc.usage.pathKey(), audit),
      invitations: () => invalidate(trpc.invitations.list.pathKey(), trpc.outbox.pathKey(), audit),
      organization: () => invalidate(trpc.organization.pathKey(), trpc.auth.me.pathKey(), trpc.usage.pathKey(), audit),
      apiKeys: () => invalidate(trpc.apiKeys.list.pathKey(), audit),
    };
  }, [trpc, queryClient]);
}
