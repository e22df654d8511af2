import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../../trpc';

/** Active teams as select options, for inviting someone into a team. */
export function useTeamOptions(enabled = true) {
  const trpc = useTRPC();
  const teams = useQuery({ ...trpc.teams.list.queryOptions({ includeArchived: false }), enabled });
  const options = useMemo(() => (teams.data ?? []).map((t) => ({ value: t.id, label: t.name })), [teams.data]);
  return { options, isPending: teams.isPending };
}
