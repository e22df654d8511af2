// #/revenue (finance, super admins): MRR, ARR, net new MRR and its parts, churn, revenue by plan
// and trial conversion per month, from the mirrored subscriptions and invoices (README, “Platform administration → Revenue”).
import '@mantine/charts/styles.css';
import { BarChart, LineChart } from '@mantine/charts';
import { Card, Group, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useTRPC } from '../../trpc';
import { formatMoney } from '../billing/billingDisplay';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const usd = (minor: number) => formatMoney(minor, 'usd', { compact: true });

export function RevenueScreen() {
  const trpc = useTRPC();
  const [months, setMonths] = useState('12');
  const revenue = useQuery({ ...trpc.platformAdmin.revenue.queryOptions({ months: Number(months) }), placeholderData: keepPreviousData });
  if (revenue.isError) return <ErrorState error={revenue.error} onRetry={() => revenue.refetch()} title="Revenue could not be loaded" />;
  const r = revenue.data;
  const last = r?.months.at(-1);
  return (
    <Stack gap="lg">
      <PageHeader
        title="Revenue"
        description="Recurring revenue from the mirrored subscriptions: yearly plans count a twelfth a month; trials, unpaid and canceled count nothing."
        actions={<SegmentedControl value={months} onChange={setMonths} data={[{ value: '6', label: '6 months' }, { value: '12', label: '12 months' }, { value: '24', label: '24 months' }]} />}
      />
      {!r ? (
        <Card p="lg">Loading…</Card>
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Stat label="MRR" value={usd(r.current.mrrMinor)} testId="revenue-mrr" />
            <Stat label="ARR" value={usd(r.current.arrMinor)} />
            <Stat label="Paying customers" value={String(r.current.payingCustomers)} />
            <Stat label="Net new MRR this month" value={usd(last?.netNewMrrMinor ?? 0)} />
            <Stat label="Logo churn this month" value={pct(last?.logoChurnRate ?? null)} />
            <Stat label="Revenue churn this month" value={pct(last?.revenueChurnRate ?? null)} />
            <Stat label="Trial conversion this month" value={pct(last?.trialConversionRate ?? null)} />
            <Stat label="Collected this month (net of refunds)" value={usd(last?.netCollectedMinor ?? 0)} />
          </SimpleGrid>
          <Card p="lg">
            <Title order={3} fz="sm" mb="sm">MRR by month</Title>
            <LineChart h={240} data={r.months.map((m) => ({ month: m.month, MRR: m.mrrMinor / 100 }))} dataKey="month" series={[{ name: 'MRR', color: 'blue.6' }]} curveType="linear" valueFormatter={(v) => usd(Math.round(v * 100))} />
          </Card>
          <Card p="lg">
            <Title order={3} fz="sm" mb="sm">MRR movements</Title>
            <BarChart
              h={260}
              data={r.months.map((m) => ({ month: m.month, New: m.newMrrMinor / 100, Expansion: m.expansionMrrMinor / 100, Contraction: -m.contractionMrrMinor / 100, Churn: -m.churnedMrrMinor / 100 }))}
              dataKey="month"
              type="stacked"
              series={[{ name: 'New', color: 'teal.6' }, { name: 'Expansion', color: 'blue.5' }, { name: 'Contraction', color: 'orange.5' }, { name: 'Churn', color: 'red.6' }]}
              withLegend
              valueFormatter={(v) => usd(Math.round(v * 100))}
            />
          </Card>
          <Card p={0}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  {['Month', 'MRR', 'New', 'Expansion', 'Contraction', 'Churn', 'Net new', 'Logo churn', 'Revenue churn', 'Trials converted', 'Collected', 'Refunded'].map((h) => <Table.Th key={h}>{h}</Table.Th>)}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {r.months.map((m) => (
                  <Table.Tr key={m.month}>
                    <Table.Td>{m.month}</Table.Td>
                    <Table.Td>{usd(m.mrrMinor)}</Table.Td>
                    <Table.Td>{usd(m.newMrrMinor)}</Table.Td>
                    <Table.Td>{usd(m.expansionMrrMinor)}</Table.Td>
                    <Table.Td>{usd(m.contractionMrrMinor)}</Table.Td>
                    <Table.Td>{usd(m.churnedMrrMinor)}</Table.Td>
                    <Table.Td>{usd(m.netNewMrrMinor)}</Table.Td>
                    <Table.Td>{pct(m.logoChurnRate)}</Table.Td>
                    <Table.Td>{pct(m.revenueChurnRate)}</Table.Td>
                    <Table.Td>{m.trialsEnded ? `${m.trialsConverted} of ${m.trialsEnded}` : '—'}</Table.Td>
                    <Table.Td>{usd(m.collectedMinor)}</Table.Td>
                    <Table.Td>{usd(m.refundedMinor)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <Card p="lg">
            <Title order={3} fz="sm" mb="sm">MRR by plan (now)</Title>
            {r.current.byPlan.length === 0 ? <Text size="sm" c="dimmed">No paying customers yet.</Text> : (
              <BarChart h={200} data={r.current.byPlan.map((p) => ({ plan: p.planKey, MRR: p.mrrMinor / 100 }))} dataKey="plan" series={[{ name: 'MRR', color: 'blue.6' }]} valueFormatter={(v) => usd(Math.round(v * 100))} />
            )}
          </Card>
        </>
      )}
    </Stack>
  );
}

export function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Card p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{label}</Text>
      <Group><Text fz="xl" fw={700} className="md-stat-value" data-testid={testId}>{value}</Text></Group>
    </Card>
  );
}
