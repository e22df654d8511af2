// The ledger itself, for the drill-down's last step: events newest first in a virtualized list that
// loads the next page (keyset) as it scrolls, filtered by metric, team, person, resource and time.
// A row opens the event's attribution and metadata.
import { Anchor, Badge, Button, Card, Code, Drawer, Group, Loader, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { formatDateTime, formatNumber } from '../../lib/format';
import type { RouterOutputs } from '../../lib/me';
import { METRIC_OPTIONS, isMetricKey, metricLabel } from '../../lib/metrics';
import { useTRPC } from '../../trpc';
import { formatMicros } from './usageDisplay';
import type { UsageLocation } from './usageRoute';

type UsageEvent = RouterOutputs['usage']['events']['events'][number];

const ROW_HEIGHT = 52;
const GRID = '170px 1.1fr 90px 1.2fr 1fr 1.2fr';

/** A date input's YYYY-MM-DD as the start of that UTC day. */
const dayStart = (value: string | undefined) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined);

export function UsageEventsView({
  loc,
  go,
  teams,
  personName,
}: {
  loc: UsageLocation;
  go: (next: UsageLocation) => void;
  teams: { id: string; name: string }[];
  personName?: string;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState<UsageEvent | null>(null);
  const [resource, setResource] = useState(loc.resourceId ?? '');
  /** The name of a person picked from a row (the drill-down names the one it came from). */
  const [pickedName, setPickedName] = useState<string | null>(null);
  const to = dayStart(loc.to);
  const input = {
    metric: loc.metric && isMetricKey(loc.metric) ? loc.metric : undefined,
    teamId: loc.team,
    userId: loc.person,
    resourceType: loc.resourceType || undefined,
    resourceId: loc.resourceId || undefined,
    from: dayStart(loc.from),
    // The "to" day is included.
    to: to ? new Date(to.getTime() + 86_400_000) : undefined,
    limit: 100,
  };
  const events = useInfiniteQuery({
    ...trpc.usage.events.infiniteQueryOptions(input, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    placeholderData: keepPreviousData,
  });
  const rows = events.data?.pages.flatMap((p) => p.events) ?? [];
  const set = (patch: Partial<UsageLocation>) => go({ ...loc, ...patch });

  return (
    <Stack gap="md">
      <Card p="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="Metric"
            placeholder="Every metric"
            data={METRIC_OPTIONS}
            value={input.metric ?? null}
            onChange={(v) => set({ metric: v ?? undefined })}
            clearable
            searchable
            w={200}
          />
          {teams.length > 0 && (
            <Select label="Team" placeholder="Every team you see" data={teams.map((t) => ({ value: t.id, label: t.name }))} value={loc.team ?? null} onChange={(v) => set({ team: v ?? undefined })} clearable w={200} />
          )}
          <TextInput
            label="Resource id"
            placeholder="e.g. a campaign id"
            value={resource}
            onChange={(e) => setResource(e.currentTarget.value)}
            onBlur={() => set({ resourceId: resource.trim() || undefined })}
            onKeyDown={(e) => e.key === 'Enter' && set({ resourceId: resource.trim() || undefined })}
            w={180}
          />
          <TextInput label="From" type="date" value={loc.from ?? ''} onChange={(e) => set({ from: e.currentTarget.value || undefined })} w={160} />
          <TextInput label="To" type="date" value={loc.to ?? ''} onChange={(e) => set({ to: e.currentTarget.value || undefined })} w={160} />
        </Group>
        {(loc.person || loc.resourceType) && (
          <Group gap="xs" mt="sm">
            {loc.person && (
              <Badge variant="light" size="lg" rightSection={<IconX size={12} style={{ cursor: 'pointer' }} aria-label="Show everyone" onClick={() => set({ person: undefined })} />}>
                Person: {personName ?? pickedName ?? 'selected person'}
              </Badge>
            )}
            {loc.resourceType && (
              <Badge variant="light" size="lg" rightSection={<IconX size={12} style={{ cursor: 'pointer' }} onClick={() => set({ resourceType: undefined })} />}>
                Resource type: {loc.resourceType}
              </Badge>
            )}
          </Group>
        )}
      </Card>
      <Card p={0}>
        {events.isError && !events.data ? (
          <ErrorState error={events.error} onRetry={() => events.refetch()} title="Events could not be loaded" />
        ) : !events.data ? (
          <Group p="lg" gap="xs">
            <Loader size="sm" />
            <Text size="sm">Loading events…</Text>
          </Group>
        ) : rows.length === 0 ? (
          <Text p="lg" size="sm" c="dimmed">
            No events match these filters.
          </Text>
        ) : (
          <EventsList
            rows={rows}
            hasNextPage={events.hasNextPage}
            isFetchingNextPage={events.isFetchingNextPage}
            fetchNextPage={() => void events.fetchNextPage()}
            onOpen={setOpen}
            onResourceType={(t) => set({ resourceType: t })}
            onPerson={(u) => {
              setPickedName(u.name);
              set({ person: u.id });
            }}
          />
        )}
      </Card>
      <EventDrawer event={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}

function EventsList({
  rows,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  onOpen,
  onResourceType,
  onPerson,
}: {
  rows: UsageEvent[];
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  onOpen: (e: UsageEvent) => void;
  onResourceType: (t: string) => void;
  /** Filters the events to one person (their name in a row is a link). */
  onPerson: (u: { id: string; name: string }) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length + (hasNextPage ? 1 : 0), getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 20) fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);
  return (
    <div ref={scrollRef} className="md-vtable" role="table" aria-label="Usage events" style={{ maxHeight: 560 }} data-testid="usage-events">
      <div role="rowgroup" className="md-vtable-head">
        <div role="row" className="md-vtable-row" style={{ gridTemplateColumns: GRID }}>
          {['When', 'Metric', 'Quantity', 'Person', 'Team', 'Resource'].map((h) => (
            <div key={h} role="columnheader" className="md-vtable-cell">
              {h}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const e = rows[item.index];
          const style = { height: ROW_HEIGHT, transform: `translateY(${item.start}px)`, gridTemplateColumns: GRID, cursor: e ? 'pointer' : undefined };
          if (!e) {
            return (
              <div key="loader" role="row" className="md-vtable-row md-vtable-abs" style={style}>
                <Group role="cell" gap="xs" px="md" c="dimmed" style={{ gridColumn: '1 / -1' }}>
                  <Loader size="xs" />
                  <Text size="sm">Loading more events…</Text>
                </Group>
              </div>
            );
          }
          return (
            <div key={e.id} role="row" tabIndex={0} className="md-vtable-row md-vtable-abs" style={style} data-testid="usage-event-row" onClick={() => onOpen(e)} onKeyDown={(k) => k.key === 'Enter' && onOpen(e)}>
              <div role="cell" className="md-vtable-cell">
                <Text size="sm">{formatDateTime(e.occurredAt)}</Text>
              </div>
              <div role="cell" className="md-vtable-cell">
                <Text size="sm">{metricLabel(e.metric)}</Text>
              </div>
              <div role="cell" className="md-vtable-cell">
                <Text size="sm" fw={600} className="md-stat-value">
                  {formatNumber(e.quantity)}
                </Text>
              </div>
              <div role="cell" className="md-vtable-cell">
                {e.user ? (
                  <Text size="sm" truncate>
                    <Anchor
                      component="button"
                      type="button"
                      inherit
                      title={`Only ${e.user.name}’s events`}
                      data-testid="event-person-filter"
                      onClick={(ev) => {
                        ev.stopPropagation();
                        onPerson(e.user!);
                      }}
                      onKeyDown={(ev) => ev.stopPropagation()}
                    >
                      {e.user.name}
                    </Anchor>
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                )}
              </div>
              <div role="cell" className="md-vtable-cell">
                <Text size="sm" truncate>
                  {e.team?.name ?? '—'}
                </Text>
              </div>
              <div role="cell" className="md-vtable-cell">
                {e.resourceType ? (
                  <Text size="sm" truncate>
                    <Text
                      span
                      inherit
                      c="blue"
                      onClick={(ev) => {
                        ev.stopPropagation();
                        onResourceType(e.resourceType!);
                      }}
                    >
                      {e.resourceType}
                    </Text>{' '}
                    {e.resourceId}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                )}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function EventDrawer({ event, onClose }: { event: UsageEvent | null; onClose: () => void }) {
  const [shown, setShown] = useState(event);
  useEffect(() => {
    if (event) setShown(event);
  }, [event]);
  const e = shown;
  return (
    <Drawer opened={!!event} onClose={onClose} position="right" size={480} title={<Text fw={650}>Usage event</Text>} padding="lg">
      {e && (
        <Stack gap="md" data-testid="usage-event-detail">
          <Table variant="vertical" layout="fixed" withTableBorder>
            <Table.Tbody>
              <Row label="Metric" value={`${metricLabel(e.metric)} × ${formatNumber(e.quantity)}`} />
              <Row label="Happened" value={formatDateTime(e.occurredAt)} />
              <Row label="Recorded" value={formatDateTime(e.recordedAt)} />
              <Row label="Person" value={e.user?.name ?? 'Not attributed'} />
              <Row label="Team" value={e.team?.name ?? 'Not attributed'} />
              <Row label="Resource" value={e.resourceType ? `${e.resourceType} ${e.resourceId ?? ''}` : '—'} />
              <Row label="Cost" value={e.costMicros === null ? '—' : formatMicros(e.costMicros, e.currency ?? 'usd')} />
              <Row label="Price" value={e.priceMicros === null ? '—' : formatMicros(e.priceMicros, e.currency ?? 'usd')} />
              <Row label="Source" value={e.reservationId ? `${e.source} (reservation ${e.reservationId})` : e.source} />
              <Row label="Idempotency key" value={e.idempotencyKey} />
            </Table.Tbody>
          </Table>
          <div>
            <Text size="sm" fw={600} mb={4}>
              Metadata
            </Text>
            {e.metadata ? (
              <Code block data-testid="usage-event-metadata">
                {JSON.stringify(e.metadata, null, 2)}
              </Code>
            ) : (
              <Text size="sm" c="dimmed">
                None.
              </Text>
            )}
          </div>
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Stack>
      )}
    </Drawer>
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <Table.Tr>
      <Table.Th w={140}>{label}</Table.Th>
      <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
    </Table.Tr>
  );
}
