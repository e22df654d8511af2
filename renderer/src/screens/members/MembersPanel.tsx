// The members tab: filters, a note on what a manager sees, the virtualized table and the drawer a
// row opens.
import { Alert, Button, EmptyState, Group, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconInfoCircle, IconUserSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { formatNumber } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { MemberDrawer } from './MemberDrawer';
import { EMPTY_FILTERS, MemberFilters, type FilterState } from './MemberFilters';
import { MembersTable, MembersTableSkeleton } from './MembersTable';
import { useMembersQuery, type MemberFilters as Filters, type MemberRow } from './useMembersQuery';

export function MembersPanel() {
  const trpc = useTRPC();
  const { can } = useAccess();
  const seesEveryone = can('members:read');
  const [filters, setFilters] = useState<FilterState>(EMPTY_FILTERS);
  const [search] = useDebouncedValue(filters.searchText.trim(), 300);
  const [openId, setOpenId] = useState<string | null>(null);

  const input: Filters = useMemo(
    () => ({ search: search || undefined, role: filters.role, teamId: filters.teamId, status: filters.status }),
    [search, filters.role, filters.teamId, filters.status],
  );
  const members = useMembersQuery(input);
  const teams = useQuery(trpc.teams.list.queryOptions({ includeArchived: false }));

  // A manager filters among the teams they manage: the others would always come back empty.
  const teamOptions = useMemo(
    () => (teams.data ?? []).filter((t) => seesEveryone || t.managedByMe).map((t) => ({ value: t.id, label: t.name })),
    [teams.data, seesEveryone],
  );
  const managedNames = (teams.data ?? []).filter((t) => t.managedByMe).map((t) => t.name);

  const rows = useMemo(() => members.data?.pages.flatMap((p) => p.items) ?? [], [members.data]);
  const total = members.data?.pages.at(-1)?.total ?? 0;
  const filtered = !!(input.search || input.role || input.teamId || input.status);
  const { fetchNextPage } = members;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const open = useCallback((m: MemberRow) => setOpenId(m.membershipId), []);

  return (
    <Stack gap="md">
      {!seesEveryone && (
        <Alert variant="light" color="brand" icon={<IconInfoCircle size={18} />} py="xs">
          {managedNames.length > 0
            ? `You see the members of the teams you manage: ${managedNames.join(', ')}.`
            : 'You see the members of the teams you manage. You do not manage a team yet.'}
        </Alert>
      )}
      <MemberFilters value={filters} onChange={setFilters} teams={teamOptions} searching={members.isFetching && !members.isFetchingNextPage && !members.isPending} />
      {members.isError && !members.data ? (
        <ErrorState error={members.error} onRetry={() => members.refetch()} title="Members could not be loaded" />
      ) : members.isPending ? (
        <MembersTableSkeleton />
      ) : rows.length === 0 ? (
        <EmptyState
          py={56}
          variant="light"
          icon={<IconUserSearch size={26} />}
          title={filtered ? 'No member matches' : 'No members to show'}
          description={filtered ? 'Try another search, or clear the filters.' : seesEveryone ? 'Invite people to get started.' : 'Members of the teams you manage appear here.'}
          style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
        />
      ) : (
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" c="dimmed" aria-live="polite">
              {rows.length < total ? `Showing ${formatNumber(rows.length)} of ${formatNumber(total)} members` : `${formatNumber(total)} member${total === 1 ? '' : 's'}`}
            </Text>
            {members.isError && (
              <Group gap="xs">
                <Text size="sm" c="red">
                  More members could not be loaded.
                </Text>
                <Button size="compact-sm" variant="light" color="red" onClick={loadMore} loading={members.isFetchingNextPage}>
                  Try again
                </Button>
              </Group>
            )}
          </Group>
          <MembersTable
            rows={rows}
            total={total}
            hasNextPage={members.hasNextPage && !members.isError}
            isFetchingNextPage={members.isFetchingNextPage}
            fetchNextPage={loadMore}
            onOpen={open}
            resetKey={JSON.stringify(input)}
          />
        </Stack>
      )}
      <MemberDrawer membershipId={openId} onClose={() => setOpenId(null)} />
    </Stack>
  );
}
