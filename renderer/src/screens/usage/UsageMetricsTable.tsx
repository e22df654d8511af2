// One row per metric: used against the limit with a meter, what is in flight, what is left and
// the prepaid credits that apply once the included amount is spent.
import { Badge, Group, Progress, Table, Text, Tooltip } from '@mantine/core';
import { formatNumber } from '../../lib/format';
import { formatPercent, meterColor, shareOfLimit, type MetricUsage } from './usageDisplay';

export function UsageMetricsTable({ metrics }: { metrics: MetricUsage[] }) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Usage by metric" className="md-table-sticky-actions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Metric</Table.Th>
            <Table.Th w="38%">Used / limit</Table.Th>
            <Table.Th ta="right">
              <Tooltip label="Reserved by sends still in flight: committed or released within minutes.">
                <span>Reserved</span>
              </Tooltip>
            </Table.Th>
            <Table.Th ta="right">Remaining</Table.Th>
            <Table.Th ta="right">
              <Tooltip label="Prepaid credits for this metric, used once the included amount runs out.">
                <span>Credits</span>
              </Tooltip>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {metrics.map((m) => (
            <MetricRow key={m.metric} metric={m} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function MetricRow({ metric: m }: { metric: MetricUsage }) {
  const percent = shareOfLimit(m);
  const over = m.limit !== null && m.used > m.limit ? m.used - m.limit : 0;
  return (
    <Table.Tr data-testid={`usage-${m.metric}`} data-used={m.used} data-limit={m.limit ?? 'unlimited'}>
      <Table.Td>
        <Text size="sm" fw={600}>
          {m.label}
        </Text>
        <Text size="xs" c="dimmed">
          {' '}
          {m.unit}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group justify="space-between" gap="xs" wrap="nowrap" mb={percent === null ? 0 : 6}>
          <Text size="sm" className="md-stat-value" style={{ whiteSpace: 'nowrap' }}>
            <Text span fw={650} inherit data-testid="used">
              {formatNumber(m.used)}
            </Text>
            {m.limit !== null && (
              <Text span c="dimmed" inherit>
                {' / '}
                <span data-testid="limit">{formatNumber(m.limit)}</span>
              </Text>
            )}
          </Text>
          {percent === null ? (
            <Badge variant="light" color="gray" size="sm">
              {' '}
              Unlimited
            </Badge>
          ) : m.limit === 0 ? (
            <Badge variant="light" color="gray" size="sm">
              Not included
            </Badge>
          ) : (
            <Text size="xs" fw={600} c={percent >= 75 ? meterColor(percent) : 'dimmed'} className="md-stat-value">
              {' '}
              {formatPercent(percent)}
            </Text>
          )}
        </Group>
        {percent !== null && m.limit !== null && <Meter used={m.used} reserved={m.reserved} limit={m.limit} label={m.label} percent={percent} />}
        {over > 0 && (
          <Text size="xs" c="red.7" mt={4}>
            {' '}
            {formatNumber(over)} over the limit
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Amount value={m.reserved} />
      </Table.Td>
      <Table.Td ta="right">
        {m.remaining === null ? (
          <Text size="sm" c="dimmed">
            {' '}
            Unlimited
          </Text>
        ) : (
          <Text size="sm" className="md-stat-value" fw={m.remaining === 0 ? 650 : undefined} c={m.remaining === 0 ? 'red.7' : undefined}>
            {' '}
            {formatNumber(m.remaining)}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Amount value={m.credits} />
      </Table.Td>
    </Table.Tr>
  );
}

/** Used in the threshold's color, then what is reserved as a lighter stripe. */
function Meter({ used, reserved, limit, label, percent }: { used: number; reserved: number; limit: number; label: string; percent: number }) {
  const color = meterColor(percent);
  const usedShare = limit > 0 ? Math.min(100, (used / limit) * 100) : 100;
  const reservedShare = limit > 0 ? Math.min(100 - usedShare, (reserved / limit) * 100) : 0;
  return (
    <Progress.Root size={8} radius="xl">
      <Progress.Section value={usedShare} color={color} aria-label={`${label}: ${formatNumber(used)} of ${formatNumber(limit)} used`} />
      {reservedShare > 0 && <Progress.Section value={reservedShare} color={color} striped style={{ opacity: 0.45 }} aria-label={`${label}: ${formatNumber(reserved)} reserved`} />}
    </Progress.Root>
  );
}

function Amount({ value }: { value: number }) {
  return value === 0 ? (
    <Text size="sm" c="dimmed">
      {' '}—
    </Text>
  ) : (
    <Text size="sm" className="md-stat-value">
      {' '}
      {formatNumber(value)}
    </Text>
  );
}
