// The plan lab's what-if replay panel (issue 14): replays the recorded usage of the last months of
// every tenant on the draft's plan against the draft and against the current version, and shows per
// tenant the invoice before and after, who would have been blocked and when, totals, a chart, the
// self-check (the current version must reproduce what was recorded) and a CSV export of the table.
import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Alert, Badge, Button, Card, Group, Select, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconCircleCheck, IconDownload, IconPlayerPlay, IconAlertTriangle } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { PlanTerms } from '../../../../server/plan-lab/plan-terms';
import { replayCsv } from '../../../../server/plan-lab/replay/replay-csv';
import type { ReplayResult, ReplayTenantResult } from '../../../../server/plan-lab/replay/replay-plan';
import { errorMessage } from '../../lib/errors';
import { useTRPC } from '../../trpc';
import { formatMoney } from '../billing/billingDisplay';

const usd = (minor: number) => formatMoney(minor, 'usd');
const signed = (minor: number) => (minor > 0 ? `+${usd(minor)}` : usd(minor));

type SortKey = 'name' | 'beforeMinor' | 'afterMinor' | 'deltaMinor' | 'blockedQuantity' | 'firstBlockedAt' | 'alertsAfter';
const COLUMNS: Array<{ key: SortKey; label: string; numeric?: boolean }> = [
  { key: 'name', label: 'Tenant' },
  { key: 'beforeMinor', label: 'Before', numeric: true },
  { key: 'afterMinor', label: 'After', numeric: true },
  { key: 'deltaMinor', label: 'Delta', numeric: true },
  { key: 'blockedQuantity', label: 'Blocked', numeric: true },
  { key: 'firstBlockedAt', label: 'First block' },
  { key: 'alertsAfter', label: 'Alerts', numeric: true },
];

function save(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function WhatIfReplay({ draft, current }: { draft: PlanTerms; current: PlanTerms }) {
  const trpc = useTRPC();
  const [months, setMonths] = useState('3');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'deltaMinor', desc: false });
  const run = useMutation(trpc.planLabReplay.run.mutationOptions());
  const result = run.data as ReplayResult | undefined;

  const rows = useMemo(() => {
    if (!result) return [];
    const value = (t: ReplayTenantResult) => t[sort.key] ?? '';
    return [...result.tenants].sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return sort.desc ? -c : c;
    });
  }, [result, sort]);

  return (
    <Stack gap="md" data-testid="what-if-replay">
      <Card p="lg">
        <Group justify="space-between" align="flex-end" wrap="wrap">
          <div>
            <Title order={3}>What-if replay</Title>
            <Text c="dimmed" size="sm">
              Replays the recorded usage of every tenant on {current.name} through the same limit chain and invoicing as live, against “{draft.name}” v{draft.version}.
            </Text>
          </div>
          <Group align="flex-end">
            <Select
              label="Months to replay"
              w={160}
              value={months}
              onChange={(v) => v && setMonths(v)}
              data={Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: `${i + 1} full month${i ? 's' : ''}` }))}
              allowDeselect={false}
            />
            <Button leftSection={<IconPlayerPlay size={16} />} loading={run.isPending} onClick={() => run.mutate({ draft, compareWith: current, months: Number(months) })}>
              Run replay
            </Button>
            <Button variant="default" leftSection={<IconDownload size={16} />} disabled={!result} onClick={() => result && save(`what-if-${result.planKey}-${result.ranAt.slice(0, 10)}.csv`, replayCsv(result))}>
              Export CSV
            </Button>
          </Group>
        </Group>
      </Card>

      {run.isError && (
        <Alert color="red" title="The replay could not run">
          {errorMessage(run.error)}
        </Alert>
      )}

      {result && (
        <>
          <SelfCheck result={result} />
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Stat label="MRR delta" value={signed(result.totals.mrrDeltaMinor)} hint={`${usd(result.totals.mrrBeforeMinor)} → ${usd(result.totals.mrrAfterMinor)}`} testId="replay-mrr-delta" />
            <Stat label="ARR delta" value={signed(result.totals.arrDeltaMinor)} />
            <Stat label="Better / worse off" value={`${result.totals.better} / ${result.totals.worse}`} hint={`${result.totals.unchanged} unchanged of ${result.totals.tenants}`} testId="replay-better-worse" />
            <Stat label="Revenue at risk" value={usd(result.totals.revenueAtRiskMinor)} hint={`MRR of ${result.totals.blockedTenants} tenant(s) that would be blocked`} testId="replay-at-risk" />
          </SimpleGrid>

          {result.series.length > 0 && (
            <Card p="lg">
              <Title order={4} mb="sm">
                Invoiced per month, before and after
              </Title>
              <BarChart
                h={220}
                data={result.series.map((s) => ({ month: s.month, Before: s.beforeMinor / 100, After: s.afterMinor / 100 }))}
                dataKey="month"
                series={[
                  { name: 'Before', color: 'gray.5' },
                  { name: 'After', color: 'blue.6' },
                ]}
                valueFormatter={(v) => formatMoney(Math.round(v * 100), 'usd', { compact: true })}
              />
            </Card>
          )}

          <Card p={0}>
            <Table striped highlightOnHover data-testid="replay-table">
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((c) => (
                    <Table.Th key={c.key} ta={c.numeric ? 'right' : undefined} aria-sort={sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                      <UnstyledButton onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : false }))}>
                        <Group gap={4} wrap="nowrap" justify={c.numeric ? 'flex-end' : undefined}>
                          <Text fw={600} size="sm">
                            {c.label}
                          </Text>
                          {sort.key === c.key && (sort.desc ? <IconArrowDown size={14} /> : <IconArrowUp size={14} />)}
                        </Group>
                      </UnstyledButton>
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={COLUMNS.length}>
                      <Text c="dimmed">No tenant is on this plan.</Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {rows.map((t) => (
                  <Table.Tr key={t.organizationId} data-testid="replay-row">
                    <Table.Td>{t.name}</Table.Td>
                    <Table.Td ta="right">{usd(t.beforeMinor)}</Table.Td>
                    <Table.Td ta="right">{usd(t.afterMinor)}</Table.Td>
                    <Table.Td ta="right" c={t.deltaMinor < 0 ? 'teal' : t.deltaMinor > 0 ? 'red' : undefined}>
                      {signed(t.deltaMinor)}
                    </Table.Td>
                    <Table.Td ta="right">{t.blockedQuantity ? <Badge color="red">{t.blockedQuantity.toLocaleString('en-US')} blocked</Badge> : '—'}</Table.Td>
                    <Table.Td>{t.firstBlockedAt ? `${t.firstBlockedAt.slice(0, 10)} (${t.blockedMetrics.join(', ')})` : '—'}</Table.Td>
                    <Table.Td ta="right">{t.alertsAfter}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <Text c="dimmed" size="xs">
            {result.stats.rollupDays.toLocaleString('en-US')} days from daily totals, {result.stats.eventDays.toLocaleString('en-US')} days ({result.stats.eventsReplayed.toLocaleString('en-US')} events) through the
            limit chain one by one, in {(result.stats.durationMs / 1000).toFixed(1)} s.
          </Text>
        </>
      )}
    </Stack>
  );
}

function SelfCheck({ result }: { result: ReplayResult }) {
  const c = result.selfCheck;
  const summary = `usage ${c.usage.matched}/${c.usage.checked}, overage ${c.overage.matched}/${c.overage.checked}, recorded blocks ${c.recordedBlocks.matched}/${c.recordedBlocks.checked}, recorded sends refused ${c.recordedRefused}`;
  return c.ok ? (
    <Alert color="teal" icon={<IconCircleCheck size={18} />} title="Self-check passed" data-testid="replay-self-check">
      The current version replayed against its own history reproduces what was recorded: {summary}.
    </Alert>
  ) : (
    <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Self-check found differences" data-testid="replay-self-check">
      <Text size="sm">The current version replayed against its own history differs from what was recorded ({summary}). Read the draft's figures with care.</Text>
      <Table mt="xs">
        <Table.Tbody>
          {c.mismatches.slice(0, 10).map((m, i) => (
            <Table.Tr key={i}>
              <Table.Td>{result.tenants.find((t) => t.organizationId === m.organizationId)?.name ?? m.organizationId}</Table.Td>
              <Table.Td>{m.periodStart.slice(0, 10)}</Table.Td>
              <Table.Td>{m.metric}</Table.Td>
              <Table.Td>{m.what}</Table.Td>
              <Table.Td>
                recorded {m.recorded ?? '—'}, replayed {m.replayed ?? '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Alert>
  );
}

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <Card p="md">
      <Text c="dimmed" size="sm">
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text c="dimmed" size="xs">
          {hint}
        </Text>
      )}
    </Card>
  );
}
