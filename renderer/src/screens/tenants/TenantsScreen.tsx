// #/tenants (platform staff): filter tenants (TenantList), open one (TenantDetail), see its usage this period, and — with the platform
// permissions for it — set a time-boxed quota override or grant credits, each with a reason and an
// expiry (audited in the tenant's trail; server/metering/set-quota-override.ts, grant-credits.ts).
import { Badge, Button, Card, Grid, Group, Modal, NumberInput, Select, Stack, Switch, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDate, formatNumber, formatPeriod } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { METRIC_OPTIONS, isMetricKey, metricLabel, type MetricKey } from '../../lib/metrics';
import { useTRPC, useTRPCClient } from '../../trpc';
import { UsageMetricsTable } from '../usage/UsageMetricsTable';
import { StartImpersonationButton } from '../impersonation/StartImpersonationButton';
import { TenantDetail } from './TenantDetail';
import { NO_FILTERS, TenantFilterBar, TenantList, type TenantFilters } from './TenantList';

export function TenantsScreen() {
  const [filters, setFilters] = useState<TenantFilters>(NO_FILTERS);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <Stack gap="lg">
      <PageHeader title="Tenants" description="Every organization on the platform: filter, open one to see its members, billing, usage, keys, notes and audit trail." />
      <TenantFilterBar value={filters} onChange={setFilters} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <TenantList filters={filters} selected={selected} onSelect={setSelected} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {selected ? <TenantDetail key={selected} organizationId={selected} usage={<TenantUsage organizationId={selected} />} /> : <Card p="lg"><Text c="dimmed">Pick a tenant.</Text></Card>}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function TenantUsage({ organizationId }: { organizationId: string }) {
  const trpc = useTRPC();
  const { canPlatform } = useAccess();
  const [dialog, setDialog] = useState<'override' | 'credits' | null>(null);
  const usage = useQuery(trpc.platform.tenantUsage.queryOptions({ organizationId }));
  if (usage.isError) return <ErrorState error={usage.error} onRetry={() => usage.refetch()} title="This tenant's usage could not be loaded" />;
  if (!usage.data) return <Card p="lg">Loading…</Card>;
  const { organization, summary, overrides, grants } = usage.data;
  return (
    <Stack gap="lg" data-testid="tenant-usage">
      <Card p={0}>
        <Group justify="space-between" px="lg" py="md" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <div>
            <Title order={2} fz="md">
              {organization.name}
            </Title>
            <Text size="sm" c="dimmed">
              {summary.plan.name} · {formatPeriod(summary.periodStart, summary.periodEnd)}
            </Text>
          </div>
          <Group gap="xs">
            <StartImpersonationButton organizationId={organizationId} organizationName={organization.name} />
            {canPlatform('platform:tenants:manage') && (
              <Button size="xs" variant="default" onClick={() => setDialog('override')}>
                Override a quota
              </Button>
            )}
            {canPlatform('platform:credits:grant') && (
              <Button size="xs" variant="default" onClick={() => setDialog('credits')}>
                Grant credits
              </Button>
            )}
          </Group>
        </Group>
        <UsageMetricsTable metrics={summary.metrics.filter((m) => m.limit !== null || m.used > 0 || m.credits > 0)} />
      </Card>
      <Card p="lg">
        <Title order={3} fz="sm" mb="xs">
          Quota overrides
        </Title>
        <Table>
          <Table.Tbody>
            {overrides.length === 0 && (
              <Table.Tr>
                <Table.Td c="dimmed">None.</Table.Td>
              </Table.Tr>
            )}
            {overrides.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>{metricLabel(o.metric)}</Table.Td>
                <Table.Td>{o.limit === null ? 'Unlimited' : formatNumber(o.limit)}</Table.Td>
                <Table.Td>
                  {formatDate(o.startsAt)} – {formatDate(o.endsAt)}
                </Table.Td>
                <Table.Td>{o.reason}</Table.Td>
                <Table.Td>{o.revokedAt ? <Badge color="gray">Revoked</Badge> : o.active ? <Badge color="teal">Active</Badge> : <Badge variant="light">Scheduled or ended</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Title order={3} fz="sm" mt="lg" mb="xs">
          Credit grants
        </Title>
        <Table>
          <Table.Tbody>
            {grants.length === 0 && (
              <Table.Tr>
                <Table.Td c="dimmed">None.</Table.Td>
              </Table.Tr>
            )}
            {grants.map((g) => (
              <Table.Tr key={g.id}>
                <Table.Td>{metricLabel(g.metric)}</Table.Td>
                <Table.Td>
                  {formatNumber(g.remaining)} of {formatNumber(g.amount)} left
                </Table.Td>
                <Table.Td>{g.expiresAt ? `Expires ${formatDate(g.expiresAt)}` : 'No expiry'}</Table.Td>
                <Table.Td>{g.reason}</Table.Td>
                <Table.Td>{g.active ? <Badge color="teal">Active</Badge> : <Badge color="gray">Used or expired</Badge>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <OverrideModal organizationId={organizationId} opened={dialog === 'override'} onClose={() => setDialog(null)} />
      <CreditsModal organizationId={organizationId} opened={dialog === 'credits'} onClose={() => setDialog(null)} />
    </Stack>
  );
}

/** A date input's YYYY-MM-DD as the start of that UTC day, or undefined. */
const day = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : undefined);

function useTenantRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.platform.tenantUsage.pathKey() });
}

function OverrideModal({ organizationId, opened, onClose }: { organizationId: string; opened: boolean; onClose: () => void }) {
  const client = useTRPCClient();
  const refresh = useTenantRefresh();
  const [metric, setMetric] = useState<MetricKey>('sms_sent');
  const [limit, setLimit] = useState<number | ''>('');
  const [unlimited, setUnlimited] = useState(false);
  const [endsAt, setEndsAt] = useState('');
  const [reason, setReason] = useState('');
  const save = useMutation({
    mutationFn: () => client.platform.setQuotaOverride.mutate({ organizationId, metric, limit: unlimited ? null : (limit === '' ? -1 : limit), endsAt: day(endsAt) ?? new Date(NaN), reason }),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: 'Quota override saved; the next reservation uses it.' });
      onClose();
    },
    onSettled: () => refresh(),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Override a quota</Text>}>
      <Stack gap="sm">
        <Select label="Metric" data={METRIC_OPTIONS} value={metric} onChange={(v) => v && isMetricKey(v) && setMetric(v)} allowDeselect={false} searchable />
        <Switch label="Unlimited during the window" checked={unlimited} onChange={(e) => setUnlimited(e.currentTarget.checked)} />
        {!unlimited && <NumberInput label="Limit for the window" min={0} allowDecimal={false} allowNegative={false} thousandSeparator="," value={limit} onChange={(v) => setLimit(typeof v === 'number' ? v : '')} />}
        <TextInput label="Ends on" description="Starts now; ends at the start of this day (UTC)." type="date" value={endsAt} onChange={(e) => setEndsAt(e.currentTarget.value)} />
        <Textarea label="Reason" description="Recorded in the tenant's audit trail." value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {save.isError && <FormErrorAlert error={save.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate()}>
            Save override
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function CreditsModal({ organizationId, opened, onClose }: { organizationId: string; opened: boolean; onClose: () => void }) {
  const client = useTRPCClient();
  const refresh = useTenantRefresh();
  const [metric, setMetric] = useState<MetricKey>('sms_sent');
  const [amount, setAmount] = useState<number | ''>('');
  const [expiresAt, setExpiresAt] = useState('');
  const [reason, setReason] = useState('');
  const save = useMutation({
    mutationFn: () => client.platform.grantCredits.mutate({ organizationId, metric, amount: amount === '' ? 0 : amount, expiresAt: day(expiresAt), reason }),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: 'Credits granted.' });
      onClose();
    },
    onSettled: () => refresh(),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Grant credits</Text>}>
      <Stack gap="sm">
        <Select label="Metric" data={METRIC_OPTIONS} value={metric} onChange={(v) => v && isMetricKey(v) && setMetric(v)} allowDeselect={false} searchable />
        <NumberInput label="Amount" min={1} allowDecimal={false} allowNegative={false} thousandSeparator="," value={amount} onChange={(v) => setAmount(typeof v === 'number' ? v : '')} />
        <TextInput label="Expires on" description="Optional (UTC day)." type="date" value={expiresAt} onChange={(e) => setExpiresAt(e.currentTarget.value)} />
        <Textarea label="Reason" description="Recorded in the tenant's audit trail." value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {save.isError && <FormErrorAlert error={save.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate()}>
            Grant
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
