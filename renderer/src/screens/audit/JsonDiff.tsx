// An audit event's before → after, field by field, with the changed fields marked. Lists of
// { metric, limit } (limits, budgets) read as one field per metric.
import { Badge, Code, Table, Text } from '@mantine/core';

type Json = unknown;

function asRecord(value: Json): Record<string, Json> | null {
  if (value === null || value === undefined) return {};
  if (Array.isArray(value)) {
    if (value.every((v) => v && typeof v === 'object' && 'metric' in v)) {
      return Object.fromEntries(value.map((v) => [String((v as { metric: unknown }).metric), (v as { limit?: Json }).limit ?? null]));
    }
    return null;
  }
  return typeof value === 'object' ? (value as Record<string, Json>) : null;
}

// Absent, null, empty lists and empty strings all read as "none" rather than raw JSON ([] / null / "").
function isEmpty(value: Json): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

function show(value: Json): string {
  if (value === undefined) return '—';
  if (isEmpty(value)) return 'none';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function JsonDiff({ before, after }: { before: Json; after: Json }) {
  const b = asRecord(before);
  const a = asRecord(after);
  if (!b || !a) {
    return (
      <Table layout="fixed" withTableBorder fz="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Before</Table.Th>
            <Table.Th>After</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Table.Tr>
            <Table.Td>
              <Code block fz="xs">{show(before) === 'none' ? 'none' : (JSON.stringify(before, null, 2) ?? '—')}</Code>
            </Table.Td>
            <Table.Td>
              <Code block fz="xs">{show(after) === 'none' ? 'none' : (JSON.stringify(after, null, 2) ?? '—')}</Code>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    );
  }
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  if (keys.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        No details were recorded.
      </Text>
    );
  }
  return (
    <Table layout="fixed" withTableBorder withColumnBorders verticalSpacing={6} fz="xs" aria-label="Changes">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="26%">Field</Table.Th>
          <Table.Th>Before</Table.Th>
          <Table.Th>After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {keys.map((key) => {
          const was = key in b ? b[key] : undefined;
          const is = key in a ? a[key] : undefined;
          const changed = JSON.stringify(was) !== JSON.stringify(is);
          return (
            <Table.Tr key={key}>
              <Table.Td>
                <Text span ff="monospace" fz="xs">
                  {key}
                </Text>
                {changed && (
                  <Badge ml={6} size="xs" variant="light" color="brand">
                    changed
                  </Badge>
                )}
              </Table.Td>
              <Table.Td className={changed ? 'md-diff-old' : undefined} style={{ wordBreak: 'break-word' }} ff="monospace">
                {show(was)}
              </Table.Td>
              <Table.Td className={changed ? 'md-diff-new' : undefined} style={{ wordBreak: 'break-word' }} ff="monospace">
                {show(is)}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
