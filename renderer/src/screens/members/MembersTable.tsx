// The members list as a virtualized grid: only the rows in view are in the DOM, so ten thousand
// members scroll as smoothly as ten. Rows are a fixed height; the next page loads before the end.
import { Avatar, Badge, Group, Loader, Skeleton, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { createColumnHelper, flexRender, tableFeatures, useTable, type Row } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { RoleBadge, StatusBadge } from '../../components/RoleBadge';
import { formatDateTime, formatRelative } from '../../lib/format';
import { initials } from '../../shell/UserMenu';
import type { MemberRow } from './useMembersQuery';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, MemberRow>();

const columns = helper.columns([
  helper.accessor('name', {
    header: 'Member',
    cell: ({ row }) => <MemberCell member={row.original} />,
  }),
  helper.accessor('role', { header: 'Role', cell: ({ getValue }) => <RoleBadge role={getValue()} /> }),
  helper.accessor('teams', { header: 'Teams', cell: ({ getValue }) => <TeamsCell teams={getValue()} /> }),
  helper.accessor('status', { header: 'Status', cell: ({ getValue }) => <StatusBadge status={getValue()} /> }),
  helper.accessor('lastSignInAt', { header: 'Last sign-in', cell: ({ getValue }) => <LastSignIn at={getValue()} /> }),
]);

/** Column widths, shared by the header and every row (a CSS grid, so columns line up). */
const GRID = 'minmax(240px, 2.4fr) 110px minmax(150px, 1.6fr) 130px 140px';
const ROW_HEIGHT = 60;
/** Start fetching the next page this many rows before the end of what is loaded. */
const PREFETCH_ROWS = 50;

export function MembersTable({
  rows,
  total,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  onOpen,
  resetKey,
}: {
  rows: MemberRow[];
  total: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  onOpen: (member: MemberRow) => void;
  /** Changes when the filters change: the list starts again from the top. */
  resetKey: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const table = useTable({ features, columns, data: rows, getRowId: (m) => m.membershipId });
  const tableRows = table.getRowModel().rows;

  const virtualizer = useVirtualizer({
    count: tableRows.length + (hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => tableRows[index]?.id ?? 'loader',
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= tableRows.length - PREFETCH_ROWS) fetchNextPage();
  }, [lastIndex, tableRows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [resetKey]);

  return (
    <div ref={scrollRef} className="md-vtable" role="table" aria-label="Members" aria-rowcount={total + 1}>
      <div role="rowgroup" className="md-vtable-head">
        {table.getHeaderGroups().map((group) => (
          <div key={group.id} role="row" aria-rowindex={1} className="md-vtable-row" style={{ gridTemplateColumns: GRID }}>
            {group.headers.map((header) => (
              <div key={header.id} role="columnheader" className="md-vtable-cell">
                <table.FlexRender header={header} />
              </div>
            ))}
          </div>
        ))}
      </div>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = tableRows[item.index];
          const style = { height: ROW_HEIGHT, transform: `translateY(${item.start}px)`, gridTemplateColumns: GRID };
          if (!row) {
            return (
              <div key="loader" role="row" className="md-vtable-row md-vtable-abs" style={style}>
                <Group role="cell" gap="xs" px="md" c="dimmed" style={{ gridColumn: '1 / -1' }}>
                  <Loader size="xs" />
                  <Text size="sm">Loading more members…</Text>
                </Group>
              </div>
            );
          }
          return <BodyRow key={row.id} row={row} index={item.index} start={item.start} onOpen={onOpen} />;
        })}
      </div>
    </div>
  );
}

type TableRow = Row<typeof features, MemberRow>;

/**
 * One body row. Memoized: while scrolling, rows already on screen keep their props (same row, same
 * offset) and are not re-rendered; only the rows coming into view are.
 */
const BodyRow = memo(function BodyRow({ row, index, start, onOpen }: { row: TableRow; index: number; start: number; onOpen: (member: MemberRow) => void }) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className="md-vtable-row md-vtable-abs md-vtable-clickable"
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)`, gridTemplateColumns: GRID }}
      onClick={() => onOpen(row.original)}
    >
      {row.getAllCells().map((cell) => (
        <div key={cell.id} role="cell" className="md-vtable-cell">
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </div>
      ))}
    </div>
  );
});

function MemberCell({ member }: { member: MemberRow }) {
  return (
    <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
      <Avatar size={34} radius="xl" color={member.status === 'active' ? 'brand' : 'gray'} variant="light" aria-hidden>
        {initials(member.name)}
      </Avatar>
      <div style={{ minWidth: 0 }}>
        {/* The row's click target for keyboards and screen readers; a mouse click anywhere on the row works too. */}
        <UnstyledButton className="md-row-link" fw={600} fz="sm" lh={1.35} display="block" maw="100%" title={`Open ${member.name}`}>
          <Text span inherit truncate display="block">
            {member.name}
          </Text>
        </UnstyledButton>
        <Text size="xs" c="dimmed" truncate>
          {member.email}
        </Text>
      </div>
    </Group>
  );
}

function TeamsCell({ teams }: { teams: MemberRow['teams'] }) {
  if (teams.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  const shown = teams.slice(0, 2);
  const rest = teams.slice(2);
  return (
    <Group gap={4} wrap="nowrap" style={{ overflow: 'hidden' }}>
      {shown.map((t) => (
        <Badge key={t.id} variant="outline" color="gray" radius="sm" fw={500} maw={140} title={t.role === 'manager' ? `${t.name} (manager)` : t.name}>
          {t.name}
          {t.role === 'manager' ? ' ★' : ''}
        </Badge>
      ))}
      {rest.length > 0 && (
        <Tooltip label={rest.map((t) => t.name).join(', ')}>
          <Badge variant="light" color="gray" radius="sm">
            +{rest.length}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}

function LastSignIn({ at }: { at: Date | null }) {
  if (!at) {
    return (
      <Text size="sm" c="dimmed">
        Never
      </Text>
    );
  }
  return (
    <Text size="sm" title={formatDateTime(at)}>
      {formatRelative(at)}
    </Text>
  );
}

/** Placeholder rows while the first page loads. */
export function MembersTableSkeleton() {
  return (
    <div className="md-vtable" aria-busy="true" aria-label="Loading members">
      <div className="md-vtable-head">
        <div className="md-vtable-row" style={{ gridTemplateColumns: GRID }}>
          {['Member', 'Role', 'Teams', 'Status', 'Last sign-in'].map((h) => (
            <div key={h} className="md-vtable-cell">
              {h}
            </div>
          ))}
        </div>
      </div>
      {Array.from({ length: 8 }, (_, i) => (
        <div key={i} className="md-vtable-row" style={{ height: ROW_HEIGHT, gridTemplateColumns: GRID }}>
          <Group gap="sm" className="md-vtable-cell" wrap="nowrap">
            <Skeleton circle h={34} w={34} />
            <div style={{ flex: 1 }}>
              <Skeleton h={10} w="60%" mb={6} />
              <Skeleton h={8} w="80%" />
            </div>
          </Group>
          <div className="md-vtable-cell">
            <Skeleton h={18} w={64} />
          </div>
          <div className="md-vtable-cell">
            <Skeleton h={18} w={80} />
          </div>
          <div className="md-vtable-cell">
            <Skeleton h={18} w={70} />
          </div>
          <div className="md-vtable-cell">
            <Skeleton h={10} w={70} />
          </div>
        </div>
      ))}
    </div>
  );
}
