// #/people (support, super admins; seed 003 /admin/users): find a person across tenants, with their
// memberships and last sign-in.
import { Badge, Card, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { PLATFORM_ROLE_LABELS } from '../../../../server/permissions/permissions';
import { useTRPC } from '../../trpc';

export function PeopleScreen() {
  const trpc = useTRPC();
  const [query, setQuery] = useState('');
  const q = query.trim();
  const people = useQuery({ ...trpc.platformAdmin.searchUsers.queryOptions({ query: q }), enabled: q.length >= 2, placeholderData: keepPreviousData });
  return (
    <Stack gap="lg">
      <PageHeader title="People" description="Everyone with an account, across tenants: search by part of an email or name." />
      <TextInput leftSection={<IconSearch size={16} />} placeholder="At least 2 characters of an email or name" aria-label="Search people" value={query} onChange={(e) => setQuery(e.currentTarget.value)} maw={480} />
      {people.isError ? <ErrorState error={people.error} onRetry={() => people.refetch()} title="People could not be searched" /> : q.length >= 2 && (
        <Card p={0}>
          <Table>
            <Table.Thead><Table.Tr><Table.Th>Person</Table.Th><Table.Th>Memberships</Table.Th><Table.Th>Last sign-in</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {(people.data ?? []).length === 0 && <Table.Tr><Table.Td colSpan={3} c="dimmed">Nobody matches.</Table.Td></Table.Tr>}
              {(people.data ?? []).map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>{u.name}</Text>
                    <Text size="xs" c="dimmed">{u.email}</Text>
                    <Group gap={4}>{u.platformRole && <Badge size="xs">{PLATFORM_ROLE_LABELS[u.platformRole]}</Badge>}{u.status !== 'active' && <Badge size="xs" color="gray">{u.status}</Badge>}</Group>
                  </Table.Td>
                  <Table.Td>{u.memberships.length === 0 ? <Text size="sm" c="dimmed">None</Text> : u.memberships.map((m) => <Text key={m.organizationId} size="sm">{m.organizationName} <Text span c="dimmed">({m.slug}) · {m.role}{m.status !== 'active' ? ` · ${m.status}` : ''}</Text></Text>)}</Table.Td>
                  <Table.Td>{u.lastSignInAt ? formatDateTime(u.lastSignInAt) : 'Never'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
    </Stack>
  );
}
