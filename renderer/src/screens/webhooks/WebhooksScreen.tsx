// #/webhooks — alerts and outbound webhooks (owners and admins). Endpoints receive signed events
// (the secret is shown once); each delivery is logged with status code and latency and can be
// replayed; alert settings (spike multiplier) and the organization's recent alerts sit beside them.
import { Alert, Badge, Button, Card, Code, Group, Menu, NumberInput, Skeleton, Stack, Switch, Table, Text, Title, Tooltip, ActionIcon } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconPlus, IconSend, IconTrash, IconWebhook, IconList, IconPower } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import { useAccess, type RouterOutputs } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { CreateEndpointModal } from './CreateEndpointModal';
import { DeliveriesDrawer } from './DeliveriesDrawer';

export type WebhookEndpoint = RouterOutputs['webhooks']['list']['endpoints'][number];

export function WebhooksScreen() {
  const trpc = useTRPC();
  const { can } = useAccess();
  const list = useQuery(trpc.webhooks.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const [logOf, setLogOf] = useState<WebhookEndpoint | null>(null);
  const [deleting, setDeleting] = useState<WebhookEndpoint | null>(null);

  return (
    <Stack gap="lg">
      <PageHeader
        title="Alerts & webhooks"
        description="Usage alerts reach people in the console and by email; webhooks send them — and member and API key events — to your own systems, signed."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Add endpoint
          </Button>
        }
      />
      {list.isError ? (
        <Card>
          <ErrorState error={list.error} onRetry={() => list.refetch()} title="Webhook endpoints could not be loaded" />
        </Card>
      ) : !list.data ? (
        <Skeleton h={120} />
      ) : list.data.endpoints.length === 0 ? (
        <Card>
          <Stack align="center" gap={6} py="lg">
            <IconWebhook size={28} />
            <Text fw={600}>No webhook endpoints yet</Text>
            <Text size="sm" c="dimmed" ta="center" maw={520}>
              Add the URL of a service that should hear about usage thresholds, blocked sends, spikes, invitations, removed members and new API keys.
            </Text>
          </Stack>
        </Card>
      ) : (
        <Card p={0}>
          <Table.ScrollContainer minWidth={820}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Webhook endpoints">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Endpoint</Table.Th>
                  <Table.Th>Events</Table.Th>
                  <Table.Th>Secret</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <span className="md-visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.endpoints.map((e) => (
                  <EndpointRow key={e.id} endpoint={e} onLog={() => setLogOf(e)} onDelete={() => setDeleting(e)} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {list.data && <WebhookSettingsCard allowPrivateTargets={list.data.allowPrivateTargets} />}
      {can('usage:read') && <AlertSettingsCard />}
      {can('usage:read') && <RecentAlertsCard />}
      <CreateEndpointModal opened={creating} onClose={() => setCreating(false)} />
      <DeliveriesDrawer endpoint={logOf} onClose={() => setLogOf(null)} />
      <DeleteEndpointModal endpoint={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

function useInvalidateWebhooks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
}

function EndpointRow({ endpoint: e, onLog, onDelete }: { endpoint: WebhookEndpoint; onLog: () => void; onDelete: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateWebhooks();
  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: async (after) => {
        notifications.show({ color: 'teal', title: after.enabled ? 'Endpoint enabled' : 'Endpoint disabled', message: e.url });
        await invalidate();
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Not changed', message: error.message }),
    }),
  );
  const test = useMutation(
    trpc.webhooks.sendTest.mutationOptions({
      onSuccess: () => notifications.show({ color: 'teal', title: 'Test event queued', message: 'It goes out within seconds; see the delivery log.' }),
      onError: (error) => notifications.show({ color: 'red', title: 'Not sent', message: error.message }),
    }),
  );
  return (
    <Table.Tr data-testid="webhook-endpoint" style={e.enabled ? undefined : { opacity: 0.75 }}>
      <Table.Td maw={320}>
        <Text size="sm" fw={600} style={{ wordBreak: 'break-all' }}>
          {e.url}
        </Text>
        {e.description && (
          <Text size="xs" c="dimmed">
            {e.description}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {e.events.map((ev) => (
            <Badge key={ev} size="sm" variant="light" ff="monospace" miw="max-content">
              {ev}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Code fz="xs">{e.secretHint}…</Code>
      </Table.Td>
      <Table.Td>
        {!e.enabled ? (
          <Tooltip label={e.disabledReason ?? 'Disabled'}>
            <Badge color="gray" variant="light">
              Disabled
            </Badge>
          </Tooltip>
        ) : e.failingSince ? (
          <Tooltip label={`Every attempt has failed since ${formatDateTime(e.failingSince)}; after 24 hours the endpoint is disabled.`}>
            <Badge color="orange" variant="light">
              Failing {formatRelative(e.failingSince)}
            </Badge>
          </Tooltip>
        ) : (
          <Badge color="teal" variant="dot">
            Active
          </Badge>
        )}
      </Table.Td>
      <Table.Td ta="right">
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Button size="xs" variant="subtle" leftSection={<IconList size={14} />} onClick={onLog}>
            Deliveries
          </Button>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${e.url}`}>
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconSend size={14} />} disabled={!e.enabled} onClick={() => test.mutate({ endpointId: e.id })}>
                Send test event
              </Menu.Item>
              <Menu.Item leftSection={<IconPower size={14} />} onClick={() => update.mutate({ endpointId: e.id, enabled: !e.enabled })}>
                {e.enabled ? 'Disable' : 'Enable'}
              </Menu.Item>
              <Menu.Item leftSection={<IconTrash size={14} />} color="red" onClick={onDelete}>
                Delete
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function DeleteEndpointModal({ endpoint, onClose }: { endpoint: WebhookEndpoint | null; onClose: () => void }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateWebhooks();
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', title: 'Endpoint deleted', message: endpoint?.url });
        onClose();
        await invalidate();
      },
    }),
  );
  return (
    <ConfirmModal
      opened={!!endpoint}
      onClose={() => (remove.reset(), onClose())}
      onConfirm={() => endpoint && remove.mutate({ endpointId: endpoint.id })}
      title="Delete this endpoint?"
      confirmLabel="Delete endpoint"
      pending={remove.isPending}
      error={remove.error}
    >
      <Text size="sm">
        {endpoint?.url} stops receiving events at once; its pending deliveries and their log are removed.
      </Text>
    </ConfirmModal>
  );
}

function WebhookSettingsCard({ allowPrivateTargets }: { allowPrivateTargets: boolean }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateWebhooks();
  const save = useMutation(trpc.webhooks.setSettings.mutationOptions({ onSuccess: invalidate, onError: (error) => notifications.show({ color: 'red', title: 'Not saved', message: error.message }) }));
  return (
    <Card>
      <Stack gap="xs">
        <Title order={3} size="h5">
          Delivery safety
        </Title>
        <Switch
          checked={allowPrivateTargets}
          disabled={save.isPending}
          onChange={(e) => save.mutate({ allowPrivateTargets: e.currentTarget.checked })}
          label="Allow private targets"
          description="Lets deliveries reach loopback, private and link-local addresses (a receiver on this machine while testing). Off, they are refused at every connection, whatever a host name resolves to."
        />
        {allowPrivateTargets && (
          <Alert color="orange" variant="light">
            Private targets are allowed: anyone who can manage webhooks can make this server call addresses inside your network.
          </Alert>
        )}
      </Stack>
    </Card>
  );
}

function AlertSettingsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useAccess();
  const settings = useQuery(trpc.alerts.settings.queryOptions());
  const [multiplier, setMultiplier] = useState<number | string>('');
  useEffect(() => {
    if (settings.data) setMultiplier(settings.data.spikeMultiplier);
  }, [settings.data]);
  const save = useMutation(
    trpc.alerts.updateSettings.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', title: 'Alert settings saved', message: 'Spike alerts use the new multiplier from now on.' });
        await queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
      },
    }),
  );
  if (!settings.data) return null;
  return (
    <Card>
      <Stack gap="xs">
        <Title order={3} size="h5">
          Alert settings
        </Title>
        <Text size="sm" c="dimmed">
          Thresholds ({settings.data.thresholds.map((t) => `${t}%`).join(', ')}) fire once per scope, metric and period; change them in{' '}
          <a href="#/settings">Settings</a>. In-app notices from the first threshold, emails from 75 %, a banner from 90 %.
        </Text>
        <Group align="flex-end">
          <NumberInput
            label="Spike multiplier"
            description="A day's usage at least this many times its 7-day daily average"
            min={1.5}
            max={100}
            step={0.5}
            decimalScale={1}
            value={multiplier}
            onChange={setMultiplier}
            disabled={!can('organization:update')}
            w={280}
          />
          {can('organization:update') && (
            <Button variant="default" loading={save.isPending} disabled={Number(multiplier) === settings.data.spikeMultiplier} onClick={() => save.mutate({ spikeMultiplier: Number(multiplier) })}>
              Save
            </Button>
          )}
        </Group>
        <FormErrorAlert error={save.error} />
      </Stack>
    </Card>
  );
}

const KIND_LABEL = { threshold: 'Threshold', spike: 'Spike', limit_blocked: 'Blocked' } as const;

function RecentAlertsCard() {
  const trpc = useTRPC();
  const alerts = useQuery(trpc.alerts.list.queryOptions({ limit: 50 }));
  if (!alerts.data) return null;
  return (
    <Card p={0}>
      <Group p="md" pb="xs">
        <Title order={3} size="h5">
          Recent alerts
        </Title>
      </Group>
      {alerts.data.length === 0 ? (
        <Text size="sm" c="dimmed" px="md" pb="md">
          No alert has fired yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing="xs" horizontalSpacing="md" aria-label="Recent alerts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Alert</Table.Th>
                <Table.Th>Scope</Table.Th>
                <Table.Th>Metric</Table.Th>
                <Table.Th ta="right">Used / limit</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {alerts.data.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td title={formatDateTime(a.firedAt)}>{formatRelative(a.firedAt)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={a.kind === 'limit_blocked' ? 'red' : a.kind === 'spike' ? 'grape' : a.threshold >= 90 ? 'orange' : 'blue'}>
                      {a.kind === 'threshold' ? `${a.threshold}%` : KIND_LABEL[a.kind]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <a href={`#/usage?scope=${a.scope}${a.scope === 'organization' ? '' : `&id=${a.scopeId}`}&metric=${a.metric}`}>{a.scopeName}</a>{' '}
                    <Text span size="xs" c="dimmed">
                      ({a.scope})
                    </Text>
                  </Table.Td>
                  <Table.Td>{a.metricLabel}</Table.Td>
                  <Table.Td ta="right">
                    {formatNumber(a.used)}
                    {a.limit !== null ? ` / ${formatNumber(a.limit)}${a.kind === 'spike' ? ' avg' : ''}` : ''}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
