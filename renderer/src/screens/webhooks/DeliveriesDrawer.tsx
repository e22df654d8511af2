// One endpoint's delivery log: each delivery's event, status, attempts (status code, latency, the
// start of the answer) and when it retries; any delivery can be replayed (same event id, new signature).
import { Badge, Button, Code, Drawer, Group, ScrollArea, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatDateTime, formatRelative } from '../../lib/format';
import { useTRPC } from '../../trpc';
import type { WebhookEndpoint } from './WebhooksScreen';

const STATUS_COLOR = { pending: 'yellow', delivering: 'blue', succeeded: 'teal', failed: 'red' } as const;

export function DeliveriesDrawer({ endpoint, onClose }: { endpoint: WebhookEndpoint | null; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deliveries = useQuery({ ...trpc.webhooks.deliveries.queryOptions({ endpointId: endpoint?.id ?? '00000000-0000-4000-8000-000000000000' }), enabled: !!endpoint, refetchInterval: 5_000 });
  const replay = useMutation(
    trpc.webhooks.replay.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', title: 'Replay queued', message: 'The event goes out again within seconds, with a new signature.' });
        await queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.pathKey() });
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Not replayed', message: error.message }),
    }),
  );
  return (
    <Drawer opened={!!endpoint} onClose={onClose} position="right" size="lg" title={<Text fw={650}>Deliveries to {endpoint?.url}</Text>} scrollAreaComponent={ScrollArea.Autosize}>
      <Stack gap="sm">
        {deliveries.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            Nothing sent yet. Use “Send test event” to try the receiver.
          </Text>
        )}
        {deliveries.data?.map((d) => (
          <Stack key={d.id} gap={4} p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-md)' }} data-testid="webhook-delivery">
            <Group justify="space-between" wrap="nowrap">
              <Group gap="xs">
                <Badge color={STATUS_COLOR[d.status]} variant="light">
                  {d.status}
                </Badge>
                <Code fz="xs">{d.eventType}</Code>
                {d.replayOf && (
                  <Badge size="xs" variant="outline">
                    replay
                  </Badge>
                )}
              </Group>
              <Button size="xs" variant="subtle" leftSection={<IconPlayerPlay size={14} />} loading={replay.isPending && replay.variables?.deliveryId === d.id} onClick={() => replay.mutate({ deliveryId: d.id })}>
                Replay
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              Event {d.eventId} · created {formatDateTime(d.createdAt)} · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
              {d.status === 'pending' && d.attempts > 0 ? ` · next try ${formatRelative(d.nextAttemptAt)}` : ''}
            </Text>
            {d.log.map((a) => (
              <Text size="xs" key={a.attempt} ff="monospace">
                #{a.attempt} {formatDateTime(a.attemptedAt)} — {a.statusCode ?? 'no answer'} in {a.latencyMs} ms{a.error ? ` — ${a.error}` : ''}
                {a.responseExcerpt ? ` — “${a.responseExcerpt.slice(0, 160)}”` : ''}
              </Text>
            ))}
          </Stack>
        ))}
      </Stack>
    </Drawer>
  );
}
