// #/audit: who changed what in the organization, newest first, 50 at a time; each event opens to
// show its before → after. Filters by actor (the person, or platform staff who acted as them),
// action, target and time; shows whether the hash chain verifies; exports the filtered trail as CSV;
// lists the impersonation sessions of platform staff (server/audit, server/impersonation).
import { Alert, Avatar, Badge, Button, Card, Collapse, EmptyState, Group, SegmentedControl, Select, Skeleton, Stack, Switch, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { IconChevronRight, IconDownload, IconHistory, IconLink, IconLinkOff, IconRobot, IconSpy } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useAccess, type RouterInputs, type RouterOutputs } from '../../lib/me';
import { initials } from '../../shell/UserMenu';
import { useTRPC, useTRPCClient } from '../../trpc';
import { ACTION_FILTERS, actionLabel, targetLabel } from './auditLabels';
import { JsonDiff } from './JsonDiff';

type AuditEvent = RouterOutputs['audit']['list'][number];
type Filters = RouterInputs['audit']['export'];
const PAGE = 50;

/** A yyyy-mm-dd field as the start of that day (local time), or the start of the next day for "to". */
function dayStart(value: string, next = false): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (next ? 1 : 0));
}

export function AuditLogScreen() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [action, setAction] = useState('all');
  const [actorUserId, setActor] = useState<string | null>(null);
  const [impersonatedOnly, setImpersonatedOnly] = useState(false);
  const [targetType, setTargetType] = useState('');
  const [targetId, setTargetId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const input: Filters = {
    action: action === 'all' ? undefined : action,
    actorUserId: actorUserId ?? undefined,
    impersonatedOnly: impersonatedOnly || undefined,
    targetType: targetType.trim() || undefined,
    targetId: targetId.trim() || undefined,
    from: dayStart(from),
    to: dayStart(to, true),
  };
  const events = useInfiniteQuery({
    queryKey: [...trpc.audit.list.pathKey(), { input, type: 'infinite' }],
    queryFn: ({ pageParam, signal }) => client.audit.list.query({ ...input, after: pageParam ?? undefined, limit: PAGE }, { signal }),
    initialPageParam: null as { createdAt: Date; id: string } | null,
    // The next page starts after the last event shown (time, then id), so no event is skipped.
    getNextPageParam: (last: AuditEvent[]) => {
      const tail = last.at(-1);
      return last.length === PAGE && tail ? { createdAt: tail.createdAt, id: tail.id } : undefined;
    },
    placeholderData: keepPreviousData,
  });
  const actors = useQuery(trpc.audit.actors.queryOptions());
  const rows = events.data?.pages.flat() ?? [];
  const names = useTargetNames();
  const exportCsv = useMutation({
    mutationFn: () => client.audit.export.query(input),
    onSuccess: ({ csv }) => {
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `audit-log-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });

  return (
    <Stack gap="lg">
      <PageHeader
        title="Audit log"
        description="Every change to members, teams, invitations and settings, with who made it."
        actions={
          <Button variant="default" leftSection={<IconDownload size={16} />} loading={exportCsv.isPending} onClick={() => exportCsv.mutate()}>
            Export CSV
          </Button>
        }
      />
      <FormErrorAlert error={exportCsv.error} />
      <ChainState />
      <SegmentedControl
        aria-label="Show events about"
        value={action}
        onChange={setAction}
        data={[{ value: 'all', label: 'Everything' }, ...ACTION_FILTERS]}
        style={{ alignSelf: 'flex-start' }}
      />
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label="Actor"
          placeholder="Anyone"
          clearable
          searchable
          w={240}
          data={(actors.data ?? []).map((a) => ({ value: a.id, label: a.impersonator ? `${a.name} (platform staff)` : a.name }))}
          value={actorUserId}
          onChange={setActor}
        />
        <TextInput label="Target type" placeholder="e.g. member" w={140} value={targetType} onChange={(e) => setTargetType(e.currentTarget.value)} />
        <TextInput label="Target id" w={200} value={targetId} onChange={(e) => setTargetId(e.currentTarget.value)} />
        <TextInput label="From" type="date" w={150} value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput label="To" type="date" w={150} value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        <Switch label="Impersonated only" checked={impersonatedOnly} onChange={(e) => setImpersonatedOnly(e.currentTarget.checked)} mb={8} />
      </Group>
      {events.isError && !events.data ? (
        <ErrorState error={events.error} onRetry={() => events.refetch()} title="The audit log could not be loaded" />
      ) : events.isPending ? (
        <Stack gap="xs" aria-busy="true" aria-label="Loading the audit log">
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} h={58} radius="md" />
          ))}
        </Stack>
      ) : rows.length === 0 ? (
        <EmptyState
          py={56}
          variant="light"
          icon={<IconHistory size={26} />}
          title="Nothing recorded yet"
          description="Changes made in this organization appear here as they happen."
          style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
        />
      ) : (
        <Card p={0}>
          <Stack gap={0} component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Audit events">
            {rows.map((event) => (
              <AuditEventRow key={event.id} event={event} names={names} />
            ))}
          </Stack>
          {(events.hasNextPage || events.isError) && (
            <Group justify="center" p="md" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
              {events.isError && (
                <Text size="sm" c="red">
                  Older events could not be loaded.
                </Text>
              )}
              <Button variant="default" onClick={() => events.fetchNextPage()} loading={events.isFetchingNextPage}>
                {events.isError ? 'Try again' : 'Load older events'}
              </Button>
            </Group>
          )}
        </Card>
      )}
      <ImpersonationSessions />
    </Stack>
  );
}

/** Whether the organization's hash chain verifies from its first event, or where it breaks. */
function ChainState() {
  const trpc = useTRPC();
  const state = useQuery(trpc.audit.chainState.queryOptions(undefined, { refetchOnWindowFocus: false }));
  if (!state.data) return null;
  const { ok, events, headHash, firstBreak } = state.data;
  return ok ? (
    <Alert color="teal" variant="light" icon={<IconLink size={18} />} data-testid="audit-chain-state" title="Chain verified">
      <Text size="sm">
        All {events} events link up and match their hashes. Latest hash{' '}
        <Text span ff="monospace" inherit>
          {headHash.slice(0, 16)}…
        </Text>
      </Text>
    </Alert>
  ) : (
    <Alert color="red" variant="light" icon={<IconLinkOff size={18} />} data-testid="audit-chain-state" title={`Chain broken at event #${firstBreak?.seq}`}>
      <Text size="sm">{firstBreak?.message} Events before it ({events}) verify.</Text>
    </Alert>
  );
}

/** Platform staff who acted as the organization's users: who, as whom, why, when. */
function ImpersonationSessions() {
  const trpc = useTRPC();
  const sessions = useQuery(trpc.audit.impersonations.queryOptions());
  if (!sessions.data || sessions.data.length === 0) return null;
  return (
    <Card p="lg" data-testid="impersonation-sessions">
      <Group gap="xs" mb="sm">
        <IconSpy size={18} aria-hidden />
        <Title order={2} fz="md">
          Impersonation by platform support
        </Title>
      </Group>
      <Table.ScrollContainer minWidth={700}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Staff member</Table.Th>
              <Table.Th>Acting as</Table.Th>
              <Table.Th>Reason · ticket</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>State</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sessions.data.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>
                  {s.impersonator.name}
                  <Text size="xs" c="dimmed">
                    {s.impersonator.email}
                  </Text>
                </Table.Td>
                <Table.Td>{s.impersonated.name}</Table.Td>
                <Table.Td>
                  {s.reason}
                  <Text size="xs" c="dimmed">
                    {s.ticketReference}
                    {s.escalationReason ? ` · changes allowed: “${s.escalationReason}”` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {formatDateTime(s.startedAt)}
                  <Text size="xs" c="dimmed">
                    until {formatDateTime(s.endedAt ?? s.expiresAt)}
                  </Text>
                </Table.Td>
                <Table.Td>{s.active ? <Badge color="red">Active</Badge> : <Badge variant="light">{s.endedReason === 'expired' ? 'Expired' : 'Ended'}</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

/** Names for ids the audit trail records without one: teams (archived too) and the organization. */
function useTargetNames(): ReadonlyMap<string, string> {
  const trpc = useTRPC();
  const { me } = useAccess();
  const teams = useQuery(trpc.teams.list.queryOptions({ includeArchived: true }));
  return useMemo(() => {
    const names = new Map((teams.data ?? []).map((t) => [t.id, t.name]));
    if (me.activeOrganization) names.set(me.activeOrganization.id, me.activeOrganization.name);
    return names;
  }, [teams.data, me.activeOrganization]);
}

function AuditEventRow({ event, names }: { event: AuditEvent; names: ReadonlyMap<string, string> }) {
  const [open, setOpen] = useState(false);
  // No actor id means Meterdesk itself acted (schedules, billing webhooks, expiry), not a person.
  const system = !event.actorUserId;
  const actor = event.actor?.name ?? (system ? 'Meterdesk (system)' : 'Deleted user');
  const detailsId = `audit-${event.id}`;
  return (
    <li className="md-audit-row">
      <UnstyledButton w="100%" px="md" py="sm" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls={detailsId}>
        <Group gap="md" wrap="nowrap">
          <IconChevronRight size={16} aria-hidden style={{ flexShrink: 0, transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 120ms', opacity: 0.6 }} />
          <Avatar size={30} radius="xl" variant="light" color={event.actor ? 'brand' : system ? 'indigo' : 'gray'} aria-hidden>
            {event.actor ? initials(event.actor.name) : system ? <IconRobot size={16} /> : '?'}
          </Avatar>
          <div style={{ flex: 1, minWidth: 0 }}>
            <Text size="sm" truncate>
              <Text span fw={600} inherit>
                {event.impersonator ? `${event.impersonator.name} as ${actor}` : actor}
              </Text>{' '}
              {event.impersonator && (
                <Badge size="xs" color="red" variant="light" mr={4}>
                  Impersonated
                </Badge>
              )}
              <Text span inherit c="dimmed">
                ·
              </Text>{' '}
              {actionLabel(event.action)}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {targetLabel(event, names)}
              {event.reason ? ` · “${event.reason}”` : ''}
            </Text>
          </div>
          <Text size="xs" c="dimmed" title={formatDateTime(event.createdAt)} style={{ flexShrink: 0, whiteSpace: 'nowrap' }}>
            <time dateTime={event.createdAt.toISOString()}>{formatRelative(event.createdAt)}</time>
          </Text>
        </Group>
      </UnstyledButton>
      <Collapse expanded={open} id={detailsId}>
        <Stack gap="xs" px="md" pb="md" pl={62}>
          <Text size="xs" c="dimmed">
            {formatDateTime(event.createdAt)} · <Text span ff="monospace" inherit>{event.action}</Text>
            {event.actor ? ` · ${event.actor.email}` : ''}
            {event.impersonator ? ` · done by platform staff ${event.impersonator.email}` : ''} · #{event.seq}
          </Text>
          <JsonDiff before={event.before} after={event.after} />
        </Stack>
      </Collapse>
    </li>
  );
}
