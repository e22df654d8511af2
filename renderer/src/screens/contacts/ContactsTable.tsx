// The contacts list as a virtualized grid (a hundred thousand rows scroll like ten): only the rows in
// view are in the DOM, the next page loads before the end, and rows can be selected for bulk actions.
import { Badge, Checkbox, Group, Loader, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { createColumnHelper, flexRender, tableFeatures, useTable, type Row } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { ContactRow } from './useContactsQuery';
import { SmsStatusBadge } from './SmsStatusBadge';

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, ContactRow>();

const columns = helper.columns([
  helper.accessor('name', { header: 'Contact', cell: ({ row }) => <NameCell contact={row.original} /> }),
  helper.accessor('phone', {
    header: 'Phone',
    cell: ({ row }) => (
      <Text size="sm" ff="monospace" truncate>
        {row.original.phone ?? '—'}
        {row.original.country && (
          <Text span size="xs" c="dimmed" ml={6} ff="inherit">
            {row.original.country}
          </Text>
        )}
      </Text>
    ),
  }),
  helper.accessor('tags', { header: 'Tags', cell: ({ getValue }) => <TagsCell tags={getValue()} /> }),
  helper.accessor('consentSms', { header: 'SMS', cell: ({ row }) => <SmsStatusBadge contact={row.original} /> }),
  helper.accessor('ownerName', {
    header: 'Owner',
    cell: ({ row }) => (
      <Text size="sm" truncate title={row.original.teamName ? `${row.original.ownerName} · ${row.original.teamName}` : row.original.ownerName}>
        {row.original.ownerName}
        {row.original.teamName && (
          <Text span size="xs" c="dimmed">
            {' '}
            · {row.original.teamName}
          </Text>
        )}
      </Text>
    ),
  }),
]);

const GRID = '44px minmax(220px, 2.2fr) 170px minmax(150px, 1.5fr) 130px minmax(140px, 1.2fr)';
const ROW_HEIGHT = 56;
const PREFETCH_ROWS = 50;

export function ContactsTable({
  rows,
  total,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  onOpen,
  selected,
  onToggle,
  onToggleAll,
  resetKey,
}: {
  rows: ContactRow[];
  total: number;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  onOpen: (contact: ContactRow) => void;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (select: boolean) => void;
  resetKey: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const table = useTable({ features, columns, data: rows, getRowId: (c) => c.id });
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

  const selectable = rows.filter((r) => r.canManage);
  const allSelected = selectable.length > 0 && selectable.every((r) => selected.has(r.id));
  const someSelected = selectable.some((r) => selected.has(r.id));

  return (
    <div ref={scrollRef} className="md-vtable" role="table" aria-label="Contacts" aria-rowcount={total + 1} style={{ maxHeight: 'calc(100vh - 300px)', minHeight: 320 }}>
      <div role="rowgroup" className="md-vtable-head">
        {table.getHeaderGroups().map((group) => (
          <div key={group.id} role="row" aria-rowindex={1} className="md-vtable-row" style={{ gridTemplateColumns: GRID }}>
            <div role="columnheader" className="md-vtable-cell">
              <Checkbox
                size="xs"
                aria-label="Select all loaded contacts you can change"
                checked={allSelected}
                indeterminate={someSelected && !allSelected}
                onChange={() => onToggleAll(!allSelected)}
              />
            </div>
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
          if (!row) {
            return (
              <div key="loader" role="row" className="md-vtable-row md-vtable-abs" style={{ height: ROW_HEIGHT, transform: `translateY(${item.start}px)`, gridTemplateColumns: GRID }}>
                <Group role="cell" gap="xs" px="md" c="dimmed" style={{ gridColumn: '1 / -1' }}>
                  <Loader size="xs" />
                  <Text size="sm">Loading more contacts…</Text>
                </Group>
              </div>
            );
          }
          return <BodyRow key={row.id} row={row} index={item.index} start={item.start} onOpen={onOpen} checked={selected.has(row.id)} onToggle={onToggle} />;
        })}
      </div>
    </div>
  );
}

type TableRow = Row<typeof features, ContactRow>;

const BodyRow = memo(function BodyRow({
  row,
  index,
  start,
  onOpen,
  checked,
  onToggle,
}: {
  row: TableRow;
  index: number;
  start: number;
  onOpen: (c: ContactRow) => void;
  checked: boolean;
  onToggle: (id: string) => void;
}) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={checked}
      className="md-vtable-row md-vtable-abs md-vtable-clickable"
      style={{ height: ROW_HEIGHT, transform: `translateY(${start}px)`, gridTemplateColumns: GRID }}
      onClick={() => onOpen(row.original)}
    >
      <div role="cell" className="md-vtable-cell" onClick={(e) => e.stopPropagation()}>
        <Checkbox
          size="xs"
          aria-label={`Select ${row.original.name || row.original.phone || 'contact'}`}
          checked={checked}
          disabled={!row.original.canManage}
          onChange={() => onToggle(row.original.id)}
        />
      </div>
      {row.getAllCells().map((cell) => (
        <div key={cell.id} role="cell" className="md-vtable-cell">
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </div>
      ))}
    </div>
  );
});

function NameCell({ contact }: { contact: ContactRow }) {
  const label = contact.name || contact.phone || contact.email || 'Unnamed';
  return (
    <div style={{ minWidth: 0 }}>
      <UnstyledButton className="md-row-link" fw={600} fz="sm" lh={1.35} display="block" maw="100%" title={`Open ${label}`}>
        <Text span inherit truncate display="block">
          {label}
        </Text>
      </UnstyledButton>
      {contact.email && (
        <Text size="xs" c="dimmed" truncate>
          {contact.email}
        </Text>
      )}
    </div>
  );
}

function TagsCell({ tags }: { tags: string[] }) {
  if (tags.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  const shown = tags.slice(0, 2);
  const rest = tags.slice(2);
  return (
    <Group gap={4} wrap="nowrap" style={{ overflow: 'hidden' }}>
      {shown.map((t) => (
        <Badge key={t} variant="outline" color="gray" radius="sm" fw={500} maw={130} tt="none">
          {t}
        </Badge>
      ))}
      {rest.length > 0 && (
        <Tooltip label={rest.join(', ')}>
          <Badge variant="light" color="gray" radius="sm" tt="none">
            +{rest.length}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}
