// A scope's teams or people for one metric: used against their budget or limit, cost so far; a
// row opens that team's or person's dashboard (the drill-down).
import { Anchor, Badge, Group, Progress, Table, Text } from '@mantine/core';
import { formatNumber } from '../../lib/format';
import type { RouterOutputs } from '../../lib/me';
import { formatMicros, formatPercent, thresholdColor } from './usageDisplay';

type Breakdown = RouterOutputs['usage']['breakdown'];

export function UsageBreakdownTable({ breakdown, thresholds, href }: { breakdown: Breakdown; thresholds: number[]; href: (row: Breakdown['rows'][number]) => string }) {
  const noun = breakdown.by === 'team' ? 'Team' : 'Person';
  if (breakdown.rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="lg">
        {breakdown.by === 'team' ? 'No teams yet.' : 'Nobody to show here.'}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={620}>
      <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label={`Usage by ${noun.toLowerCase()}`} data-testid="usage-breakdown">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{noun}</Table.Th>
            <Table.Th w="40%">Used / {breakdown.by === 'team' ? 'budget' : 'limit'}</Table.Th>
            <Table.Th ta="right">Cost so far</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {breakdown.rows.map((r) => {
            const color = r.percent === null ? 'teal' : thresholdColor(r.percent, thresholds);
            return (
              <Table.Tr key={r.id} data-testid={`breakdown-row-${r.id}`} data-used={r.used}>
                <Table.Td>
                  <Anchor href={href(r)} fw={600} size="sm">
                    {r.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Group justify="space-between" gap="xs" wrap="nowrap" mb={r.limit === null ? 0 : 6}>
                    <Text size="sm" className="md-stat-value">
                      <b>{formatNumber(r.used)}</b>
                      {r.limit !== null && <Text span c="dimmed" inherit>{` / ${formatNumber(r.limit)}`}</Text>}
                    </Text>
                    {r.percent === null ? (
                      <Badge variant="light" color="gray" size="sm">
                        No {breakdown.by === 'team' ? 'budget' : 'limit'}
                      </Badge>
                    ) : (
                      <Text size="xs" fw={600} c={color === 'teal' ? 'dimmed' : color}>
                        {formatPercent(r.percent)}
                      </Text>
                    )}
                  </Group>
                  {r.percent !== null && <Progress size={6} radius="xl" value={Math.min(100, r.percent)} color={color} aria-label={`${r.name}: ${formatPercent(r.percent)} used`} />}
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" className="md-stat-value">
                    {formatMicros(r.costMicros)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {breakdown.truncated && (
        <Text size="xs" c="dimmed" px="md" pb="sm">
          The {formatNumber(breakdown.rows.length)} largest users this period; open a team to see everyone in it.
        </Text>
      )}
    </Table.ScrollContainer>
  );
}
