// #/platform-usage (support, super admins): usage across tenants from the daily rollups — each
// metric's total against the previous window, one metric's daily series and its top tenants.
import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Badge, Card, Group, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { formatNumber } from '../../lib/format';
import { METRIC_OPTIONS, isMetricKey, metricLabel, type MetricKey } from '../../lib/metrics';
import { useTRPC } from '../../trpc';

export function PlatformUsageScreen() {
  const trpc = useTRPC();
  const [days, setDays] = useState('30');
  const [metric, setMetric] = useState<MetricKey>('sms_sent');
  const usage = useQuery({ ...trpc.platformAdmin.usage.queryOptions({ days: Number(days), metric }), placeholderData: keepPreviousData });
  if (usage.isError) return <ErrorState error={usage.error} onRetry={() => usage.refetch()} title="Usage could not be loaded" />;
  const u = usage.data;
  return (
    <Stack gap="lg">
      <PageHeader
        title="Platform usage"
        description="Usage across every tenant, from the daily rollups."
        actions={<Group><SegmentedControl value={days} onChange={setDays} data={['7', '30', '90'].map((d) => ({ value: d, label: `${d} days` }))} /><Select aria-label="Metric" data={METRIC_OPTIONS} value={metric} onChange={(v) => v && isMetricKey(v) && setMetric(v)} allowDeselect={false} searchable w={200} /></Group>}
      />
      {!u ? <Card p="lg">Loading…</Card> : (
        <>
          <Card p="lg">
            <Title order={3} fz="sm" mb="sm">{metricLabel(u.metric)} per day</Title>
            <BarChart h={220} data={u.daily} dataKey="day" series={[{ name: 'quantity', label: metricLabel(u.metric), color: 'blue.6' }]} valueFormatter={(v) => formatNumber(v)} />
          </Card>
          <Group align="flex-start" grow>
            <Card p={0}>
              <Title order={3} fz="sm" p="md">By metric (growth against the {u.days} days before)</Title>
              <Table>
                <Table.Tbody>
                  {u.byMetric.length === 0 && <Table.Tr><Table.Td c="dimmed">No usage in this window.</Table.Td></Table.Tr>}
                  {u.byMetric.map((m) => (
                    <Table.Tr key={m.metric}>
                      <Table.Td>{metricLabel(m.metric)}</Table.Td>
                      <Table.Td>{formatNumber(m.current)}</Table.Td>
                      <Table.Td>{m.tenants} tenants</Table.Td>
                      <Table.Td>{m.growth === null ? <Badge color="gray" variant="light">new</Badge> : <Badge color={m.growth >= 0 ? 'teal' : 'red'} variant="light">{m.growth >= 0 ? '+' : ''}{Math.round(m.growth * 100)} %</Badge>}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
            <Card p={0}>
              <Title order={3} fz="sm" p="md">Top tenants — {metricLabel(u.metric)}</Title>
              <Table>
                <Table.Tbody>
                  {u.topTenants.length === 0 && <Table.Tr><Table.Td c="dimmed">Nobody used it in this window.</Table.Td></Table.Tr>}
                  {u.topTenants.map((t) => (
                    <Table.Tr key={t.organizationId}><Table.Td>{t.name}</Table.Td><Table.Td c="dimmed">{t.slug}</Table.Td><Table.Td>{formatNumber(t.quantity)}</Table.Td></Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          </Group>
          <Text size="xs" c="dimmed">{u.from.toISOString().slice(0, 10)} – {u.to.toISOString().slice(0, 10)} (UTC days)</Text>
        </>
      )}
    </Stack>
  );
}
