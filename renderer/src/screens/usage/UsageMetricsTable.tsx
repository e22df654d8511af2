// One row per metric: used against the limit with a meter (coloured at the organization's alert
// thresholds), what is in flight, what is left and the prepaid credits that apply once the included
// amount is spent; on the dashboards also the projection to the period's end, cost so far and, for
// metrics whose sends have outcomes (SMS, API requests), the success rate.
import { ActionIcon, Badge, Group, Progress, Table, Text, Tooltip } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { formatNumber } from '../../lib/format';
import { formatMicros, formatPercent, meterColor, shareOfLimit, thresholdColor, type MetricUsage } from './usageDisplay';

/** What the dashboards add to a metric's row (usage.overview). */
export interface MetricInsight {
  projected: number;
  projectedOverage: number;
  willExceed: boolean;
  costMicros: number;
  priceMicros: number;
  successRate: number | null;
  outcomes: { succeeded: number; failed: number } | null;
}

type RowMetric = Pick<MetricUsage, 'metric' | 'label' | 'unit' | 'used' | 'reserved' | 'limit' | 'remaining' | 'credits'> & Partial<MetricInsight>;

export function UsageMetricsTable({
  metrics,
  thresholds,
  showCredits = true,
  current = true,
  onEditLimit,
}: {
  metrics: RowMetric[];
  /** The organization's alert thresholds; the default ladder (50/75/90/100) without them. */
  thresholds?: number[];
  showCredits?: boolean;
  /** Projections only mean something for the period under way. */
  current?: boolean;
  /** Shown as a pencil on each row for those allowed to change the limit. */
  onEditLimit?: (metric: string) => void;
}) {
  const insight = metrics.some((m) => m.projected !== undefined);
  const withOutcomes = metrics.some((m) => m.outcomes);
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
            {showCredits && (
              <Table.Th ta="right">
                <Tooltip label="Prepaid credits for this metric, used once the included amount runs out.">
                  <span>Credits</span>
                </Tooltip>
              </Table.Th>
            )}
            {insight && current && (
              <Table.Th ta="right">
                <Tooltip label="Where this period ends at the pace so far (linear on the days gone by).">
                  <span>Projected</span>
                </Tooltip>
              </Table.Th>
            )}
            {insight && (
              <Table.Th ta="right">
                <Tooltip label="What these events cost (provider) and what they are priced at, from the rate card, so far this period.">
                  <span>Cost / price</span>
                </Tooltip>
              </Table.Th>
            )}
            {withOutcomes && (
              <Table.Th ta="right">
                <Tooltip label="Share of sends this period that succeeded: SMS accepted by the provider and not reported undelivered; API requests answered without an error.">
                  <span>Success</span>
                </Tooltip>
              </Table.Th>
            )}
            {onEditLimit && <Table.Th w={40} />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {metrics.map((m) => (
            <MetricRow key={m.metric} metric={m} thresholds={thresholds} showCredits={showCredits} insight={insight} withOutcomes={withOutcomes} current={current} onEditLimit={onEditLimit} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function MetricRow({
  metric: m,
  thresholds,
  showCredits,
  insight,
  withOutcomes,
  current,
  onEditLimit,
}: {
  metric: RowMetric;
  thresholds?: number[];
  showCredits: boolean;
  insight: boolean;
  withOutcomes: boolean;
  current: boolean;
  onEditLimit?: (metric: string) => void;
}) {
  const percent = shareOfLimit(m);
  const colorAt = (p: number) => (thresholds ? thresholdColor(p, thresholds) : meterColor(p));
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
            <Text size="xs" fw={600} c={colorAt(percent) === 'teal' ? 'dimmed' : colorAt(percent)} className="md-stat-value">
              {' '}
              {formatPercent(percent)}
            </Text>
          )}
        </Group>
        {percent !== null && m.limit !== null && <Meter used={m.used} reserved={m.reserved} limit={m.limit} label={m.label} color={colorAt(percent)} />}
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
      {showCredits && (
        <Table.Td ta="right">
          <Amount value={m.credits} />
        </Table.Td>
      )}
      {insight && current && (
        <Table.Td ta="right" data-testid="projected" data-projected={m.projected}>
          <Text size="sm" className="md-stat-value">
            {formatNumber(m.projected ?? 0)}
          </Text>
          {m.willExceed && (
            <Badge color="red" variant="light" size="xs">
              {m.projectedOverage ? `${formatNumber(m.projectedOverage)} over` : 'Over the limit'}
            </Badge>
          )}
        </Table.Td>
      )}
      {insight && (
        <Table.Td ta="right">
          <Text size="sm" className="md-stat-value">
            {formatMicros(m.costMicros ?? 0)}
          </Text>
          <Text size="xs" c="dimmed" className="md-stat-value">
            priced {formatMicros(m.priceMicros ?? 0)}
          </Text>
        </Table.Td>
      )}
      {withOutcomes && (
        <Table.Td ta="right" data-testid="success-rate" data-rate={m.successRate ?? ''}>
          {m.outcomes && m.successRate != null ? (
            <>
              <Text size="sm" className="md-stat-value" fw={600} c={m.successRate < 0.9 ? 'red.7' : m.successRate < 0.98 ? 'orange.7' : undefined}>
                {formatSuccessRate(m.successRate)}
              </Text>
              <Text size="xs" c="dimmed" className="md-stat-value">
                {formatNumber(m.outcomes.failed)} failed of {formatNumber(m.outcomes.succeeded + m.outcomes.failed)}
              </Text>
            </>
          ) : (
            <Text size="sm" c="dimmed">
              —
            </Text>
          )}
        </Table.Td>
      )}
      {onEditLimit && (
        <Table.Td>
          <Tooltip label={`Change the ${m.label} limit`}>
            <ActionIcon variant="subtle" color="gray" aria-label={`Change the ${m.label} limit`} onClick={() => onEditLimit(m.metric)}>
              <IconPencil size={16} />
            </ActionIcon>
          </Tooltip>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

/** 0.9876 → "98.8%"; never rounds a failure away to 100%. */
export function formatSuccessRate(rate: number): string {
  const percent = Math.floor(rate * 1000) / 10;
  return `${percent.toFixed(percent === 100 || percent === 0 ? 0 : 1)}%`;
}

/** Used in the threshold's color, then what is reserved as a lighter stripe. */
function Meter({ used, reserved, limit, label, color }: { used: number; reserved: number; limit: number; label: string; color: string }) {
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
