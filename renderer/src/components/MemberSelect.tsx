// Picks one active member of the organization by typing part of their name or email; the server
// searches, so it works the same with ten members or ten thousand.
import { Group, Loader, Select, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '../trpc';

interface Option {
  value: string;
  label: string;
  email: string;
}

export function MemberSelect({
  label,
  description,
  value,
  onChange,
  excludeMembershipId,
  error,
  required,
}: {
  label: string;
  description?: string;
  value: string | null;
  onChange: (membershipId: string | null) => void;
  excludeMembershipId?: string;
  error?: React.ReactNode;
  required?: boolean;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Option | null>(null);
  // While a choice is shown, its label is the search text: look for everyone again, not just it.
  const term = selected && search === selected.label ? '' : search;
  const [debounced] = useDebouncedValue(term.trim(), 250);
  const members = useQuery({
    ...trpc.members.list.queryOptions({ search: debounced || undefined, status: 'active', limit: 20 }),
    placeholderData: keepPreviousData,
  });

  const options = useMemo(() => {
    const found: Option[] = (members.data?.items ?? [])
      .filter((m) => m.membershipId !== excludeMembershipId)
      .map((m) => ({ value: m.membershipId, label: m.name, email: m.email }));
    if (selected && !found.some((o) => o.value === selected.value)) found.unshift(selected);
    return found;
  }, [members.data, excludeMembershipId, selected]);

  return (
    <Select
      label={label}
      description={description}
      placeholder="Type a name or email"
      searchable
      required={required}
      clearable
      value={value}
      onChange={(next) => {
        setSelected(options.find((o) => o.value === next) ?? null);
        onChange(next);
      }}
      searchValue={search}
      onSearchChange={setSearch}
      data={options}
      // The server already filtered by the search text (name or email); show what it found.
      filter={({ options: all }) => all}
      nothingFoundMessage={members.isFetching ? 'Searching…' : 'No active member matches'}
      rightSection={members.isFetching ? <Loader size={14} /> : undefined}
      error={error}
      renderOption={({ option }) => {
        const o = options.find((x) => x.value === option.value);
        return (
          <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
            <div style={{ minWidth: 0 }}>
              <Text size="sm" truncate>
                {option.label}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {o?.email}
              </Text>
            </div>
          </Group>
        );
      }}
    />
  );
}
