// #/exports: usage reports and offline exports. Pick a scope you may read (owners and admins the
// organization, managers their teams, everyone yourself) and a month; export the events CSV, the
// summary CSV, the PDF report or a signed export pack, with a progress bar and Cancel. Below: export
// history, scheduled monthly exports, billing exports, "Open export pack" and this installation's key.
import { Alert, Badge, Button, Card, Code, CopyButton, Group, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload, IconFileZip, IconPlayerStop } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { PageHeader } from '../../components/PageHeader';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { isDesktop, useTRPC } from '../../trpc';
import { OpenPackCard } from './OpenPackCard';
import { BillingExportsCard } from './BillingExportsCard';
import { SaveExportButton } from './SaveExportButton';

const FORMATS = [
  { value: 'csv', label: 'Events CSV' },
  { value: 'summary_csv', label: 'Summary CSV' },
  { value: 'pdf', label: 'PDF report' },
  { value: 'pack', label: 'Export pack' },
] as const;
type Format = (typeof FORMATS)[number]['value'];

function monthOptions(now: Date) {
  const out: { value: string; label: string }[] = [];
  for (let i = 0; i < 13; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push({ value: d.toISOString().slice(0, 7), label: d.toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }) });
  }
  return out;
}


export function ExportsScreen() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me } = useAccess();
  const months = useMemo(() => monthOptions(new Date()), []);
  const [period, setPeriod] = useState(months[0]!.value);
  const reachQuery = useQuery(trpc.usage.overview.queryOptions({ scope: 'user' }));
  const reach = reachQuery.data?.reach;
  const scopes = useMemo(() => {
    const list: { value: string; label: string }[] = [];
    if (reach?.level === 'organization') list.push({ value: 'organization:', label: `Organization (${me.activeOrganization?.name ?? ''})` });
    for (const t of reach?.teams ?? []) list.push({ value: `team:${t.id}`, label: `Team: ${t.name}` });
    list.push({ value: `user:${me.user.id}`, label: 'Only me' });
    return list;
  }, [reach, me]);
  const [scopeValue, setScopeValue] = useState<string | null>(null);
  const chosen = scopeValue ?? (reach?.level === 'team' && reach.teams[0] ? `team:${reach.teams[0].id}` : scopes[0]?.value ?? `user:${me.user.id}`);
  const [kind, id] = chosen.split(':') as ['organization' | 'team' | 'user', string];
  const scopeInput = { scope: kind, id: kind === 'organization' ? undefined : id };

  const [runId, setRunId] = useState<string | null>(null);
  const start = useMutation(trpc.exports.start.mutationOptions({ onSuccess: (r) => setRunId(r.runId) }));
  const progress = useQuery({
    ...trpc.exports.progress.queryOptions({ runId: runId ?? '00000000-0000-4000-8000-000000000000' }),
    enabled: !!runId,
    refetchInterval: (q) => (q.state.data?.status === 'running' || !q.state.data ? 400 : false),
  });
  const history = useQuery({ ...trpc.exports.history.queryOptions({ limit: 50 }), refetchInterval: progress.data?.status === 'running' ? 2000 : false });
  const cancel = useMutation(trpc.exports.cancel.mutationOptions({ onSettled: () => queryClient.invalidateQueries() }));
  const p = runId ? progress.data : undefined;
  // The history follows the export: a new row when it starts, its outcome when it ends.
  const status = p?.status;
  const refetchHistory = history.refetch;
  useEffect(() => {
    if (runId) void refetchHistory();
  }, [runId, status, refetchHistory]);

  return (
    <Stack gap="lg">
      <PageHeader title="Exports" description="Usage reports as CSV or PDF, and signed export packs you can open and check with no database connection." />
      <Card withBorder padding="lg">
        <Stack gap="md">
          <Title order={3}>Export usage</Title>
          <Group align="flex-end" wrap="wrap">
            <Select label="Scope" data={scopes} value={chosen} onChange={(v) => v && setScopeValue(v)} allowDeselect={false} w={280} data-testid="export-scope" />
            <Select label="Month" data={months} value={period} onChange={(v) => v && setPeriod(v)} allowDeselect={false} w={200} data-testid="export-period" />
          </Group>
          <Group>
            {FORMATS.map((f) => (
              <Button
                key={f.value}
                variant={f.value === 'pack' ? 'filled' : 'light'}
                leftSection={f.value === 'pack' ? <IconFileZip size={16} /> : <IconDownload size={16} />}
                loading={start.isPending && start.variables?.format === f.value}
                disabled={p?.status === 'running'}
                onClick={() => start.mutate({ ...scopeInput, period, format: f.value as Format })}
              >
                {f.label}
              </Button>
            ))}
          </Group>
          {start.error && (
            <Alert color="red" title="The export could not start">
              {errorMessage(start.error)}
            </Alert>
          )}
          {p && (
            <Stack gap={6} data-testid="export-progress">
              <Group justify="space-between">
                <Text size="sm">
                  {p.fileName} — {p.status === 'running' ? p.stage : p.status === 'succeeded' ? 'Ready' : p.status === 'canceled' ? 'Cancelled: no file was kept' : `Failed: ${p.error ?? ''}`}
                </Text>
                {p.status === 'running' && (
                  <Button size="xs" color="red" variant="light" leftSection={<IconPlayerStop size={14} />} loading={cancel.isPending} onClick={() => runId && cancel.mutate({ runId })}>
                    Cancel
                  </Button>
                )}
                {p.status === 'succeeded' && runId && <SaveExportButton runId={runId} testId="export-download" />}
              </Group>
              <Progress value={Math.round(p.fraction * 100)} color={p.status === 'failed' ? 'red' : p.status === 'canceled' ? 'gray' : undefined} animated={p.status === 'running'} aria-label="Export progress" />
            </Stack>
          )}
        </Stack>
      </Card>

      <Card withBorder padding="lg">
        <Title order={3} mb="sm">
          Export history
        </Title>
        {history.data?.length ? (
          <Table.ScrollContainer minWidth={700}>
            <Table data-testid="export-history">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>What</Table.Th>
                  <Table.Th>Scope</Table.Th>
                  <Table.Th>Month</Table.Th>
                  <Table.Th>By</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {history.data.map((h) => (
                  <Table.Tr key={h.id}>
                    <Table.Td>{formatDateTime(h.createdAt)}</Table.Td>
                    <Table.Td>{h.fileName}</Table.Td>
                    <Table.Td>{h.scopeName}</Table.Td>
                    <Table.Td>{h.period}</Table.Td>
                    <Table.Td>{h.createdBy}</Table.Td>
                    <Table.Td>
                      <Badge color={h.status === 'succeeded' ? 'green' : h.status === 'running' ? 'blue' : h.status === 'failed' ? 'red' : 'gray'} variant="light">
                        {h.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {h.downloadable && <SaveExportButton runId={h.id} compact />}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text c="dimmed" size="sm">
            No exports yet.
          </Text>
        )}
      </Card>

      <SchedulesCard scopeInput={scopeInput} scopeLabel={scopes.find((s) => s.value === chosen)?.label ?? ''} />
      <OpenPackCard />
      <BillingExportsCard />
      <SigningKeyCard />
    </Stack>
  );
}

function SchedulesCard({ scopeInput, scopeLabel }: { scopeInput: { scope: 'organization' | 'team' | 'user'; id?: string }; scopeLabel: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const schedules = useQuery(trpc.exports.schedules.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.exports.schedules.queryKey() });
  const create = useMutation(trpc.exports.createSchedule.mutationOptions({ onSuccess: refresh }));
  const createInFolder = useMutation(trpc.exports.createScheduleInChosenFolder.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.exports.deleteSchedule.mutationOptions({ onSuccess: refresh }));
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={3}>Scheduled monthly exports</Title>
          <Text size="sm" c="dimmed">
            On the 1st of each month, a signed export pack of the month before is written to {isDesktop() ? 'a folder of yours' : 'the server’s data folder'}; a failure is announced in your notifications.
          </Text>
        </div>
        {isDesktop() ? (
          <Button variant="light" loading={createInFolder.isPending} onClick={() => createInFolder.mutate(scopeInput)}>
            Schedule {scopeLabel} to a folder…
          </Button>
        ) : (
          <Button variant="light" loading={create.isPending} onClick={() => create.mutate(scopeInput)}>
            Schedule {scopeLabel}
          </Button>
        )}
      </Group>
      {create.error && <Alert color="red">{errorMessage(create.error)}</Alert>}
      {createInFolder.error && <Alert color="red">{errorMessage(createInFolder.error)}</Alert>}
      {schedules.data?.length ? (
        <Table>
          <Table.Tbody>
            {schedules.data.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.scopeName}</Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">
                    {s.folder}
                  </Text>
                </Table.Td>
                <Table.Td>Next: {formatDateTime(s.nextRunAt)}</Table.Td>
                <Table.Td>{s.lastRunAt ? `Last: ${formatDateTime(s.lastRunAt)} — ${s.lastStatus}${s.lastError ? ` (${s.lastError})` : ''}` : 'Not run yet'}</Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="subtle" color="red" onClick={() => remove.mutate({ scheduleId: s.id })}>
                    Remove
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm" c="dimmed">
          Nothing scheduled.
        </Text>
      )}
    </Card>
  );
}

/** Also in Settings, with the public key itself (`showPublicKey`) for others to compare or keep. */
export function SigningKeyCard({ showPublicKey = false }: { showPublicKey?: boolean }) {
  const trpc = useTRPC();
  const key = useQuery(trpc.exports.signingKey.queryOptions());
  return (
    <Card withBorder padding="lg">
      <Title order={3}>This installation’s signing key</Title>
      <Text size="sm" c="dimmed" mb="xs">
        Export packs made here are signed with it; its private half stays in the OS keychain. Someone opening your pack sees this fingerprint.
      </Text>
      {key.data?.available ? (
        <Stack gap={4}>
          <Text ff="monospace" data-testid="signing-key-fingerprint">
            {key.data.fingerprint}
          </Text>
          {showPublicKey && (
            <Group gap="xs" wrap="nowrap" align="flex-start">
              <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="signing-public-key">
                {key.data.publicKey}
              </Code>
              <CopyButton value={key.data.publicKey}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="subtle" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          )}
        </Stack>
      ) : (
        <Text size="sm">{key.data?.reason ?? '…'}</Text>
      )}
    </Card>
  );
}
