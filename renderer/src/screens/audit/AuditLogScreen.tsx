// #/audit: who changed what in the organization, newest first, 50 at a time; each event opens to
// show its before → after.
import { Avatar, Button, Card, Collapse, EmptyState, Group, SegmentedControl, Skeleton, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronRight, IconHistory, IconRobot } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useAccess, type RouterOutputs } from '../../lib/me';
import { initials } from '../../shell/UserMenu';
import { useTRPC, useTRPCClient } from '../../trpc';
import { ACTION_FILTERS, actionLabel, targetLabel } from './auditLabels';
import { JsonDiff } from './JsonDiff';

type AuditEvent = RouterOutputs['audit']['list'][number];
const PAGE = 50;

export function AuditLogScreen() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [action, setAction] = useState('all');
  const input = { action: action === 'all' ? undefined : action };
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
  const rows = events.data?.pages.flat() ?? [];
  const names = useTargetNames();

  return (
    <Stack gap="lg">
      <PageHeader title="Audit log" description="Every change to members, teams, invitations and settings, with who made it." />
      <SegmentedControl
        aria-label="Show events about"
        value={action}
        onChange={setAction}
        data={[{ value: 'all', label: 'Everything' }, ...ACTION_FILTERS]}
        style={{ alignSelf: 'flex-start' }}
      />
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
    </Stack>
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
                {actor}
              </Text>{' '}
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
          </Text>
          <JsonDiff before={event.before} after={event.after} />
        </Stack>
      </Collapse>
    </li>
  );
}
