// Usage where people look rather than read: the period's days stacked by team or person (the
// largest few, the rest as "Other"), and this period against the one before, cumulatively.
import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Card, Group, Text, Title } from '@mantine/core';
import { formatNumber } from '../../lib/format';
import type { RouterOutputs } from '../../lib/me';

type Breakdown = RouterOutputs['usage']['breakdown'];

const PALETTE = ['blue.6', 'teal.6', 'violet.6', 'orange.6', 'pink.6', 'cyan.6', 'lime.7', 'indigo.6', 'yellow.6', 'grape.6', 'green.7', 'red.6'];

export function DailyUsageChart({ breakdown, unit }: { breakdown: Breakdown; unit: string }) {
  const series = breakdown.stack.length
    ? breakdown.stack.map((s, i) => ({ name: s.key, label: s.name, color: s.key === 'other' ? 'gray.5' : PALETTE[i % PALETTE.length] }))
    : [{ name: 'total', label: 'Used', color: 'blue.6' }];
  const data = breakdown.series.map((p) => ({ ...p, day: String(p.day).slice(5) }));
  return (
    <Card p="lg" data-testid="daily-usage-chart">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={2} fz="md">
            Daily usage <Text span c="dimmed" fz="sm" fw={400}>({unit} per UTC day)</Text>
          </Title>
          <Text size="sm" c="dimmed">
            {breakdown.by ? `By ${breakdown.by}: the largest ${breakdown.stack.filter((s) => s.key !== 'other').length}, the rest as Other.` : 'Each day of the period so far (UTC days).'}
          </Text>
        </div>
      </Group>
      {data.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing yet this period.
        </Text>
      ) : (
        <BarChart h={260} data={data} dataKey="day" type="stacked" series={series} withLegend legendProps={{ verticalAlign: 'bottom' }} valueFormatter={(v) => formatNumber(v)} tickLine="y" />
      )}
    </Card>
  );
}

export function PeriodComparisonChart({ breakdown, currentUsed, unit }: { breakdown: Breakdown; currentUsed: number; unit: string }) {
  const change = breakdown.previousUsed > 0 ? ((currentUsed - breakdown.previousUsed) / breakdown.previousUsed) * 100 : null;
  return (
    <Card p="lg" data-testid="period-comparison-chart">
      <Group justify="space-between" mb="sm" align="flex-start">
        <div>
          <Title order={2} fz="md">
            This period and the one before
          </Title>
          <Text size="sm" c="dimmed">
            Running total by day of the period.
          </Text>
        </div>
        <Text size="sm" ta="right">
          Previous period: <b>{formatNumber(breakdown.previousUsed)}</b> {unit}
          {change !== null && (
            <Text span c={change > 0 ? 'orange.7' : 'teal.7'} fw={600}>
              {' '}
              ({change > 0 ? '+' : ''}
              {Math.round(change)}% so far)
            </Text>
          )}
        </Text>
      </Group>
      <LineChart
        h={220}
        data={breakdown.comparison}
        dataKey="day"
        series={[
          { name: 'current', label: 'This period', color: 'blue.6' },
          { name: 'previous', label: 'Previous period', color: 'gray.5' },
        ]}
        withLegend
        legendProps={{ verticalAlign: 'bottom' }}
        curveType="linear"
        withDots={false}
        valueFormatter={(v) => formatNumber(v)}
      />
    </Card>
  );
}
