// "Open export pack": the pack is checked by the server process against its manifest and signature
// with no database (POST /api/exports/open), and its report — totals, a chart per metric, teams,
// people, countries and channels — is shown from report.json inside it.
import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Alert, Badge, Card, FileButton, Button, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconFolderOpen } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import { isDesktop, useTRPC } from '../../trpc';
import type { PackVerification } from '../../../../server/exports/export-pack';

const money = (micros: number, currency: string) => `${(micros / 1_000_000).toFixed(2)} ${currency.toUpperCase()}`;

/** The desktop app was opened with a .mdpack (file association): the hash says so (#/exports?open=launch). */
function launchedWithPack(): boolean {
  return /[?&]open=launch(&|$)/.test(window.location.hash);
}

export function OpenPackCard() {
  const [opened, setOpened] = useState<PackVerification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Desktop: the system Open dialog (or the pack the app was opened with), checked in the main process.
  const trpc = useTRPC();
  const fromDisk = useMutation(
    trpc.exports.openPackFromDisk.mutationOptions({
      onMutate: () => {
        setError(null);
        setOpened(null);
      },
      onSuccess: (r) => r.opened && setOpened(r.pack as PackVerification),
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const card = useRef<HTMLDivElement>(null);
  const openLaunchPack = fromDisk.mutate;
  useEffect(() => {
    const check = () => {
      if (!isDesktop() || !launchedWithPack()) return;
      openLaunchPack({ source: 'launch' });
      card.current?.scrollIntoView({ block: 'start' });
      window.history.replaceState(null, '', '#/exports');
    };
    check();
    window.addEventListener('hashchange', check);
    return () => window.removeEventListener('hashchange', check);
  }, [openLaunchPack]);
  const open = async (file: File | null) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setOpened(null);
    try {
      const res = await fetch('/api/exports/open', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file, credentials: 'same-origin' });
      const body = (await res.json()) as PackVerification & { error?: { message: string } };
      if (!res.ok) setError(body.error?.message ?? 'The pack could not be opened.');
      else setOpened(body);
    } catch {
      setError('The pack could not be sent to the console: check that it is still running.');
    } finally {
      setBusy(false);
    }
  };
  const report = opened?.report;
  return (
    <Card withBorder padding="lg" data-testid="open-pack" ref={card}>
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={3}>Open export pack</Title>
          <Text size="sm" c="dimmed">
            Check a .mdpack file and view its report. Nothing is read from or written to the database.
          </Text>
        </div>
        {isDesktop() ? (
          <Button leftSection={<IconFolderOpen size={16} />} loading={fromDisk.isPending} onClick={() => fromDisk.mutate({ source: 'dialog' })}>
            Open export pack
          </Button>
        ) : (
          <FileButton onChange={(f) => void open(f)} accept=".mdpack,application/zip">
            {(props) => (
              <Button {...props} leftSection={<IconFolderOpen size={16} />} loading={busy}>
                Open export pack
              </Button>
            )}
          </FileButton>
        )}
      </Group>
      {error && (
        <Alert color="red" title="Not a readable export pack" data-testid="pack-error">
          {error}
        </Alert>
      )}
      {opened && (
        <Stack gap="md">
          <Alert color={opened.verdict === 'intact' ? 'green' : opened.verdict === 'foreign' ? 'yellow' : 'red'} title={opened.verdict === 'intact' ? 'Intact' : opened.verdict === 'foreign' ? 'Signed by another installation' : 'Altered'} data-testid="pack-verdict">
            {opened.message}
          </Alert>
          <Group gap="xs">
            {opened.files.map((f) => (
              <Badge key={f.name} color={f.status === 'ok' ? 'green' : 'red'} variant="light">
                {f.name}: {f.status}
              </Badge>
            ))}
          </Group>
          <Text size="sm">
            {opened.manifest.organization.name} · {opened.manifest.scope.name} · {opened.manifest.period.month} · generated {opened.manifest.generatedAt.replace('T', ' ').slice(0, 16)} UTC by {opened.manifest.generatedBy.name} · app {opened.manifest.appVersion} · key {opened.signer.fingerprint}
          </Text>
          {report && (
            <>
              <Table data-testid="pack-totals">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Metric</Table.Th>
                    <Table.Th>Quantity</Table.Th>
                    <Table.Th>Limit</Table.Th>
                    <Table.Th>Cost</Table.Th>
                    <Table.Th>Price</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {report.totals.map((t) => (
                    <Table.Tr key={t.metric} data-testid={`pack-total-${t.metric}`}>
                      <Table.Td>{t.label}</Table.Td>
                      <Table.Td>{formatNumber(t.quantity)}</Table.Td>
                      <Table.Td>{t.limit === null ? 'no limit' : formatNumber(t.limit)}</Table.Td>
                      <Table.Td>{money(t.costMicros, report.currency)}</Table.Td>
                      <Table.Td>{money(t.priceMicros, report.currency)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <SimpleGrid cols={{ base: 1, md: 2 }}>
                {report.totals
                  .filter((t) => t.events > 0)
                  .map((t) => (
                    <div key={t.metric}>
                      <Text fw={600} size="sm">
                        {t.label} per day
                      </Text>
                      <BarChart h={180} data={report.daily.filter((d) => d.metric === t.metric).map((d) => ({ day: d.day.slice(5), quantity: d.quantity }))} dataKey="day" series={[{ name: 'quantity', color: 'blue.6' }]} />
                    </div>
                  ))}
              </SimpleGrid>
              <LinesTable title="By team" lines={report.teams} currency={report.currency} />
              <LinesTable title="By person" lines={report.people.slice(0, 500)} currency={report.currency} />
              <LinesTable title="Cost by country" lines={report.countries} currency={report.currency} />
              <LinesTable title="Cost by channel" lines={report.channels} currency={report.currency} />
            </>
          )}
        </Stack>
      )}
    </Card>
  );
}

function LinesTable({ title, lines, currency }: { title: string; lines: NonNullable<PackVerification['report']>['teams']; currency: string }) {
  return (
    <div>
      <Text fw={600} size="sm" mb={4}>
        {title}
      </Text>
      <Table.ScrollContainer minWidth={500}>
        <Table striped>
          <Table.Tbody>
            {lines.map((l) => (
              <Table.Tr key={`${l.key}|${l.metric}`}>
                <Table.Td>{l.label}</Table.Td>
                <Table.Td>{l.metric}</Table.Td>
                <Table.Td>{formatNumber(l.quantity)}</Table.Td>
                <Table.Td>{money(l.costMicros, currency)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}
