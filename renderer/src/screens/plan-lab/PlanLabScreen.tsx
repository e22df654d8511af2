// #/plan-lab (platform staff; changes: super admins and finance): plans and their versions with
// subscribers per version, a draft editor, comparison of two versions, publication, and migration
// of tenants between versions (README, “Plan lab”).
import {
  Badge, Button, Card, Checkbox, Group, MultiSelect, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, Textarea, TextInput, Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useEffect, useMemo, useState } from 'react';
import type { AppRouter } from '../../../../server/api/root';
import { METRICS, type MetricKey } from '../../../../server/metering/metrics';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { formatMoney } from '../billing/billingDisplay';
import { WhatIfReplay } from './WhatIfReplay';

type Overview = inferRouterOutputs<AppRouter>['planLab']['overview'];
type Version = Overview[number]['versions'][number];
type Terms = Version['terms'];
type PlanKey = Overview[number]['planKey'];

const usd = (minor: number | undefined) => (minor === undefined ? '—' : formatMoney(minor, 'usd', { compact: true }));
const STATUS_COLOR = { draft: 'yellow', published: 'teal', retired: 'gray' } as const;

export function PlanLabScreen() {
  const trpc = useTRPC();
  const access = useAccess();
  const canManage = access.canPlatform('platform:plans:manage');
  const overview = useQuery({ ...trpc.planLab.overview.queryOptions(), refetchInterval: 5_000 });
  const [planKey, setPlanKey] = useState<PlanKey>('starter');
  const [selected, setSelected] = useState<number | null>(null);
  if (overview.isError) return <ErrorState error={overview.error} onRetry={() => overview.refetch()} title="The plan lab could not be loaded" />;
  const plans = overview.data;
  const plan = plans?.find((p) => p.planKey === planKey);
  const version = plan?.versions.find((v) => v.version === selected) ?? null;
  const canReplay = access.canPlatform('platform:plans:replay');
  const latestPublished = plan?.versions.filter((v) => v.status === 'published').sort((a, b) => b.version - a.version)[0];

  return (
    <Stack gap="lg">
      <PageHeader
        title="Plan lab"
        description="Every plan's versions. A published version never changes: its subscribers keep it through renewals until you migrate them; new subscribers get the latest published version."
        actions={plans && <SegmentedControl aria-label="Plan" value={planKey} onChange={(v) => { setPlanKey(v as PlanKey); setSelected(null); }} data={plans.map((p) => ({ value: p.planKey, label: p.name }))} />}
      />
      {!plan ? <Card p="lg">Loading…</Card> : (
        <>
          <VersionsTable plan={plan} canManage={canManage} selected={selected} onSelect={setSelected} />
          {version?.status === 'draft' && canManage && <DraftEditor key={`${plan.planKey}-${version.version}`} planKey={plan.planKey} version={version} />}
          {/* A saved draft is replayed against the plan's latest published version before it is published. */}
          {version?.status === 'draft' && canReplay && latestPublished && <WhatIfReplay key={`replay-${plan.planKey}-${version.version}`} draft={version.terms} current={latestPublished.terms} />}
          {plan.versions.length > 1 && <CompareVersions planKey={plan.planKey} versions={plan.versions} />}
          {canManage && <MigrateTenants planKey={plan.planKey} versions={plan.versions} />}
        </>
      )}
    </Stack>
  );
}

function VersionsTable({ plan, canManage, selected, onSelect }: { plan: Overview[number]; canManage: boolean; selected: number | null; onSelect: (v: number) => void }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const draft = useMutation(trpc.planLab.createDraft.mutationOptions({
    onSuccess: async (d) => { await qc.invalidateQueries({ queryKey: trpc.planLab.pathKey() }); onSelect(d.version); },
  }));
  return (
    <Card p={0}>
      <Group justify="space-between" p="md">
        <Title order={3} fz="sm">{plan.name}: versions</Title>
        <Text size="sm" c="dimmed">New subscribers get version {plan.latestPublished}.</Text>
      </Group>
      {draft.isError && <FormErrorAlert error={draft.error} />}
      <Table.ScrollContainer minWidth={1150}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>{['Version', 'Status', 'Name', 'Monthly', 'Yearly', 'Seats', 'SMS included', 'Overage', 'Subscribers', 'Migrations', ''].map((h) => <Table.Th key={h}>{h}</Table.Th>)}</Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {plan.versions.map((v) => (
            <Table.Tr key={v.version} data-testid={`plan-version-${v.version}`} bg={v.version === selected ? 'var(--mantine-color-blue-light)' : undefined}>
              <Table.Td>v{v.version}</Table.Td>
              <Table.Td><Badge color={STATUS_COLOR[v.status]} variant="light">{v.status}</Badge></Table.Td>
              <Table.Td>{v.terms.name}</Table.Td>
              <Table.Td>{usd(v.terms.prices.month?.amountMinor)}</Table.Td>
              <Table.Td>{usd(v.terms.prices.year?.amountMinor)}</Table.Td>
              <Table.Td>{v.terms.includedSeats ?? 'Unlimited'}</Table.Td>
              <Table.Td>{v.terms.quotas.sms_sent === undefined ? 'Not metered' : (v.terms.quotas.sms_sent?.toLocaleString('en-US') ?? 'Unlimited')}</Table.Td>
              <Table.Td>{v.terms.overagePolicy === 'bill' ? 'Billed' : 'Hard cap'}</Table.Td>
              <Table.Td data-testid={`plan-version-${v.version}-subscribers`}>{v.subscribers}</Table.Td>
              <Table.Td>{Object.entries(v.migrations).map(([k, n]) => `${n} ${k}`).join(', ') || '—'}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  {v.status === 'draft' && canManage && <Button size="xs" variant="light" onClick={() => onSelect(v.version)}>Edit</Button>}
                  {canManage && <Button size="xs" variant="subtle" loading={draft.isPending} onClick={() => draft.mutate({ planKey: plan.planKey, fromVersion: v.version })}>New draft from v{v.version}</Button>}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

/** The editable terms as the form holds them (money in dollars; empty quota = unlimited). */
function toDraft(t: Terms) {
  return {
    name: t.name,
    prices: { ...(t.prices.month ? { month: t.prices.month.amountMinor } : {}), ...(t.prices.year ? { year: t.prices.year.amountMinor } : {}) },
    includedSeats: t.includedSeats,
    seatPriceMinor: t.seatPriceMinor,
    overagePolicy: t.overagePolicy,
    quotas: t.quotas as Partial<Record<MetricKey, number | null>>,
    entitlements: t.entitlements,
    overageUnitPriceMicros: t.overageUnitPriceMicros as Partial<Record<MetricKey, number>>,
  };
}
type Draft = ReturnType<typeof toDraft>;

const dollars = (minor: number | undefined) => (minor === undefined ? '' : minor / 100);
const cents = (v: string | number) => (v === '' ? undefined : Math.round(Number(v) * 100));

function DraftEditor({ planKey, version }: { planKey: PlanKey; version: Version }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [d, setD] = useState<Draft>(() => toDraft(version.terms));
  const [confirming, setConfirming] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.planLab.pathKey() });
  const save = useMutation(trpc.planLab.saveDraft.mutationOptions({ onSuccess: refresh }));
  const publish = useMutation(trpc.planLab.publish.mutationOptions({ onSuccess: async () => { setConfirming(false); await refresh(); } }));
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((x) => ({ ...x, [key]: value }));
  const metrics = Object.keys(d.quotas) as MetricKey[];
  return (
    <Card p="lg">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3} fz="sm">Draft v{version.version} of {version.terms.name}</Title>
          <Group gap="xs">
            <Button variant="light" loading={save.isPending} onClick={() => save.mutate({ planKey, version: version.version, terms: d })}>Save draft</Button>
            <Button color="teal" onClick={() => { save.reset(); setConfirming(true); }}>Publish…</Button>
          </Group>
        </Group>
        {save.isError && <FormErrorAlert error={save.error} />}
        {save.isSuccess && <Text size="sm" c="teal">Draft saved.</Text>}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="Name" value={d.name} onChange={(e) => set('name', e.currentTarget.value)} />
          <NumberInput label="Monthly price (USD)" prefix="$" decimalScale={2} min={0} value={dollars(d.prices.month)} onChange={(v) => set('prices', { ...d.prices, month: cents(v) })} />
          <NumberInput label="Yearly price (USD)" prefix="$" decimalScale={2} min={0} value={dollars(d.prices.year)} onChange={(v) => set('prices', { ...d.prices, year: cents(v) })} />
          <NumberInput label="Included seats" description="Empty: unlimited" min={0} allowDecimal={false} value={d.includedSeats ?? ''} onChange={(v) => set('includedSeats', v === '' ? null : Number(v))} />
          <NumberInput label="Seat price, monthly (USD)" description="Per extra seat, for this version" prefix="$" decimalScale={2} min={0} value={dollars(d.seatPriceMinor.month)} onChange={(v) => set('seatPriceMinor', { ...d.seatPriceMinor, month: cents(v) ?? 0 })} />
          <NumberInput label="Seat price, yearly (USD)" description="Per extra seat, for this version" prefix="$" decimalScale={2} min={0} value={dollars(d.seatPriceMinor.year)} onChange={(v) => set('seatPriceMinor', { ...d.seatPriceMinor, year: cents(v) ?? 0 })} />
          <Select label="Past the quota" value={d.overagePolicy} onChange={(v) => v && set('overagePolicy', v as Draft['overagePolicy'])} data={[{ value: 'hard_cap', label: 'Block (hard cap)' }, { value: 'bill', label: 'Bill the overage' }]} allowDeselect={false} />
        </SimpleGrid>
        <Table>
          <Table.Thead><Table.Tr><Table.Th>Metric</Table.Th><Table.Th>Included per period (empty: unlimited)</Table.Th><Table.Th>Overage unit price (millionths of a dollar)</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {metrics.map((m) => (
              <Table.Tr key={m}>
                <Table.Td>{METRICS[m].label}</Table.Td>
                <Table.Td><NumberInput aria-label={`${METRICS[m].label} included`} min={0} allowDecimal={false} thousandSeparator="," value={d.quotas[m] ?? ''} onChange={(v) => set('quotas', { ...d.quotas, [m]: v === '' ? null : Number(v) })} /></Table.Td>
                <Table.Td>
                  <NumberInput aria-label={`${METRICS[m].label} unit price`} min={0} allowDecimal={false} value={d.overageUnitPriceMicros[m] ?? ''}
                    onChange={(v) => { const next = { ...d.overageUnitPriceMicros }; if (v === '') delete next[m]; else next[m] = Number(v); set('overageUnitPriceMicros', next); }} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Table>
          <Table.Thead><Table.Tr><Table.Th>Feature</Table.Th><Table.Th>Enabled</Table.Th><Table.Th>Limit (empty: none)</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {Object.entries(d.entitlements).map(([feature, e]) => (
              <Table.Tr key={feature}>
                <Table.Td>{feature.replaceAll('_', ' ')}</Table.Td>
                <Table.Td><Switch aria-label={`${feature} enabled`} checked={e.enabled} onChange={(ev) => set('entitlements', { ...d.entitlements, [feature]: { ...e, enabled: ev.currentTarget.checked } })} /></Table.Td>
                <Table.Td><NumberInput aria-label={`${feature} limit`} min={0} allowDecimal={false} value={e.limit ?? ''} onChange={(v) => set('entitlements', { ...d.entitlements, [feature]: { ...e, limit: v === '' ? null : Number(v) } })} /></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
      <ConfirmModal
        opened={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={() => publish.mutate({ planKey, version: version.version, confirm: true })}
        title={`Publish version ${version.version}?`}
        confirmLabel="Publish"
        color="teal"
        pending={publish.isPending}
        error={publish.error}
      >
        <Text size="sm">The saved terms become immutable. New subscribers get this version; existing subscribers stay on theirs until you migrate them. Unsaved changes are not published.</Text>
      </ConfirmModal>
    </Card>
  );
}

function CompareVersions({ planKey, versions }: { planKey: PlanKey; versions: Version[] }) {
  const trpc = useTRPC();
  const options = versions.map((v) => ({ value: String(v.version), label: `v${v.version} (${v.status})` }));
  const [a, setA] = useState(String(versions[0]!.version));
  const [b, setB] = useState(String(versions.at(-1)!.version));
  const compare = useQuery({ ...trpc.planLab.compare.queryOptions({ planKey, a: Number(a), b: Number(b) }), enabled: a !== b });
  return (
    <Card p="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} fz="sm">Compare versions</Title>
          <Group gap="xs">
            <Select aria-label="First version" data={options} value={a} onChange={(v) => v && setA(v)} allowDeselect={false} w={200} />
            <Select aria-label="Second version" data={options} value={b} onChange={(v) => v && setB(v)} allowDeselect={false} w={200} />
          </Group>
        </Group>
        {a === b ? <Text size="sm" c="dimmed">Choose two different versions.</Text> : compare.data?.differences.length === 0 ? <Text size="sm">The two versions have the same terms.</Text> : (
          <Table data-testid="plan-compare">
            <Table.Thead><Table.Tr><Table.Th>Term</Table.Th><Table.Th>v{a}</Table.Th><Table.Th>v{b}</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {compare.data?.differences.map((d) => (
                <Table.Tr key={d.path}><Table.Td>{d.path}</Table.Td><Table.Td>{String(d.a ?? '—')}</Table.Td><Table.Td>{String(d.b ?? '—')}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

function MigrateTenants({ planKey, versions }: { planKey: PlanKey; versions: Version[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const published = versions.filter((v) => v.status === 'published');
  const [to, setTo] = useState(String(published.at(-1)?.version ?? 1));
  const [who, setWho] = useState<'all' | 'chosen'>('chosen');
  const [chosen, setChosen] = useState<string[]>([]);
  const [onlyFrom, setOnlyFrom] = useState<string | null>(null);
  const [when, setWhen] = useState<'now' | 'at_renewal'>('at_renewal');
  const [reason, setReason] = useState('');
  useEffect(() => setTo(String(published.at(-1)?.version ?? 1)), [published.length]); // eslint-disable-line react-hooks/exhaustive-deps
  const subscribers = useQuery({ ...trpc.planLab.subscribers.queryOptions({ planKey }), refetchInterval: 5_000 });
  const candidates = useMemo(() => (subscribers.data ?? []).filter((s) => s.version !== Number(to)), [subscribers.data, to]);
  const migrate = useMutation(trpc.planLab.migrate.mutationOptions({
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: trpc.planLab.pathKey() }), qc.invalidateQueries({ queryKey: trpc.planLab.subscribers.queryKey() })]),
  }));
  const run = () =>
    migrate.mutate({
      planKey,
      toVersion: Number(to),
      tenants: who === 'all' ? { kind: 'all', ...(onlyFrom ? { fromVersion: Number(onlyFrom) } : {}) } : { kind: 'chosen', organizationIds: chosen },
      when,
      reason,
    });
  const r = migrate.data;
  return (
    <Card p="lg">
      <Stack gap="sm">
        <Title order={3} fz="sm">Migrate tenants</Title>
        <Text size="sm" c="dimmed">Tenants billed through Stripe switch price there (now: prorated at once; at renewal: from their next period); each tenant moves once per target version.</Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Select label="To version" data={published.map((v) => ({ value: String(v.version), label: `v${v.version} — ${v.terms.name}` }))} value={to} onChange={(v) => v && setTo(v)} allowDeselect={false} />
          <Select label="Tenants" data={[{ value: 'chosen', label: 'Chosen tenants' }, { value: 'all', label: 'Every subscriber' }]} value={who} onChange={(v) => v && setWho(v as 'all' | 'chosen')} allowDeselect={false} />
          <Select label="When" data={[{ value: 'at_renewal', label: 'At each tenant’s next renewal' }, { value: 'now', label: 'Now (prorated)' }]} value={when} onChange={(v) => v && setWhen(v as 'now' | 'at_renewal')} allowDeselect={false} />
        </SimpleGrid>
        {who === 'chosen' ? (
          <MultiSelect label="Chosen tenants" searchable placeholder="Search tenants" data={candidates.map((s) => ({ value: s.organizationId, label: `${s.name} (v${s.version}${s.pending ? `, ${s.pending.status} → v${s.pending.version}` : ''})` }))} value={chosen} onChange={setChosen} />
        ) : (
          <Checkbox label="Only tenants on one version" checked={onlyFrom !== null} onChange={(e) => setOnlyFrom(e.currentTarget.checked ? String(versions[0]!.version) : null)} />
        )}
        {who === 'all' && onlyFrom !== null && <Select label="From version" data={versions.map((v) => ({ value: String(v.version), label: `v${v.version}` }))} value={onlyFrom} onChange={setOnlyFrom} allowDeselect={false} w={200} />}
        <Textarea label="Reason" description="Kept in each tenant’s audit trail." value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
        {migrate.isError && <FormErrorAlert error={migrate.error} />}
        <Group>
          <Button onClick={run} loading={migrate.isPending} disabled={published.length === 0}>Migrate</Button>
          {migrate.isPending && <Text size="sm" c="dimmed">Migrating… tenants are moved one by one; the versions table above follows along.</Text>}
        </Group>
        {r && (
          <Stack gap="xs" data-testid="migration-result">
            <Text size="sm">{r.moved} moved now, {r.scheduled} scheduled for renewal, {r.already} already taken, {r.failed} failed{r.skipped.length ? `, ${r.skipped.length} not on this plan` : ''}.</Text>
            <Table>
              <Table.Thead><Table.Tr><Table.Th>Tenant</Table.Th><Table.Th>From</Table.Th><Table.Th>Outcome</Table.Th><Table.Th>Effective</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {r.results.map((x) => (
                  <Table.Tr key={x.organizationId}>
                    <Table.Td>{x.name}</Table.Td><Table.Td>v{x.fromVersion}</Table.Td>
                    <Table.Td>{x.outcome}{x.error ? `: ${x.error}` : ''}</Table.Td>
                    <Table.Td>{x.effectiveAt ? new Date(x.effectiveAt).toLocaleDateString() : '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
