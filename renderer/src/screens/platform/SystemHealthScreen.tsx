// #/health (support, super admins): database, migrations, job queues, Stripe, SMS, webhooks and the
// reservation sweeper — each healthy or degraded, with the reason.
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime } from '../../lib/format';
import { useTRPC } from '../../trpc';

export function SystemHealthScreen() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.platformAdmin.health.queryOptions(), refetchInterval: 30_000 });
  if (health.isError) return <ErrorState error={health.error} onRetry={() => health.refetch()} title="Health could not be checked" />;
  const h = health.data;
  return (
    <Stack gap="lg">
      <PageHeader
        title="System health"
        description={h ? `Checked ${formatDateTime(h.checkedAt)}; every 30 seconds while open.` : 'Checking…'}
        actions={<Group>{h && <Badge size="lg" color={h.overall === 'healthy' ? 'teal' : 'orange'}>{h.overall === 'healthy' ? 'All healthy' : 'Degraded'}</Badge>}<Button variant="default" loading={health.isFetching} onClick={() => health.refetch()}>Check now</Button></Group>}
      />
      <SimpleGrid cols={{ base: 1, md: 2, lg: 3 }}>
        {(h?.checks ?? []).map((c) => (
          <Card key={c.key} p="md" data-testid={`health-${c.key}`}>
            <Group justify="space-between" mb={4}>
              <Text fw={650}>{c.label}</Text>
              <Badge color={c.state === 'healthy' ? 'teal' : 'orange'} variant="light">{c.state}</Badge>
            </Group>
            <Text size="sm">{c.reason}</Text>
            <Text size="xs" c="dimmed" mt={6}>
              {Object.entries(c.details).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${typeof v === 'number' && k.endsWith('Rate') ? `${(v * 100).toFixed(1)} %` : String(v)}`).join(' · ')}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
