import { Button, Group, Loader, TextInput } from '@mantine/core';
import { IconSearch, IconX } from '@tabler/icons-react';
import { FilterMenu } from '../../components/FilterMenu';
import { roleOptions } from '../../lib/roles';
import type { MemberFilters as Filters } from './useMembersQuery';

export interface FilterState extends Filters {
  /** What is typed; `search` (debounced) is what is sent. */
  searchText: string;
}

export const EMPTY_FILTERS: FilterState = { searchText: '' };

const STATUSES = [
  { value: 'active' as const, label: 'Active' },
  { value: 'deactivated' as const, label: 'Deactivated' },
];

export function MemberFilters({
  value,
  onChange,
  teams,
  searching,
}: {
  value: FilterState;
  onChange: (next: FilterState) => void;
  teams: { value: string; label: string }[];
  searching: boolean;
}) {
  const set = (patch: Partial<FilterState>) => onChange({ ...value, ...patch });
  const active = !!(value.searchText || value.role || value.teamId || value.status);
  return (
    <Group gap="sm" wrap="wrap" role="search" aria-label="Find members">
      <TextInput
        size="sm"
        aria-label="Search members"
        placeholder="Search by name or email"
        leftSection={<IconSearch size={16} />}
        rightSection={searching ? <Loader size={14} /> : undefined}
        value={value.searchText}
        onChange={(e) => set({ searchText: e.currentTarget.value })}
        style={{ flex: '1 1 240px', maxWidth: 360 }}
        type="search"
      />
      <FilterMenu title="Role" anyLabel="All" choices={roleOptions(true)} value={value.role} onChange={(role) => set({ role })} />
      {teams.length > 0 && <FilterMenu title="Team" anyLabel="All" choices={teams} value={value.teamId} onChange={(teamId) => set({ teamId })} />}
      <FilterMenu title="Status" anyLabel="Any" choices={STATUSES} value={value.status} onChange={(status) => set({ status })} />
      {active && (
        <Button size="sm" variant="subtle" color="gray" leftSection={<IconX size={14} />} onClick={() => onChange(EMPTY_FILTERS)}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
