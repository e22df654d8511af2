// #/api-keys: the organization's keys for the usage API. Owners and admins create them (the
// whole key is shown once) and revoke them (refused everywhere within seconds).
import { Alert, Anchor, Badge, Button, Card, Code, EmptyState, Group, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconKey, IconKeyOff, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { formatDate, formatDateTime, formatRelative } from '../../lib/format';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC } from '../../trpc';
import { keyStatus, maskedKey, scopeColor, usageApiBaseUrl, type ApiKey, type KeyStatus } from './apiKeys';
import { CreateApiKeyModal } from './CreateApiKeyModal';

export function ApiKeysScreen() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const entitlements = useQuery(trpc.usage.entitlements.queryOptions());
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const noApiAccess = entitlements.data?.features.api_access === false;
  const baseUrl = usageApiBaseUrl();

  return (
    <Stack gap="lg">
      <PageHeader
        title="API keys"
        description="Keys let your services report usage and check limits through the usage API, on this organization’s behalf."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            Create API key
          </Button>
        }
      />
      {noApiAccess && (
        <Alert variant="light" color="orange" icon={<IconAlertTriangle size={18} />} title="Your plan does not include API access">
          You can create keys, but the API refuses every request made with them until the organization moves to a plan with API access.
        </Alert>
      )}
      {keys.isError ? (
        <Card>
          <ErrorState error={keys.error} onRetry={() => keys.refetch()} title="API keys could not be loaded" />
        </Card>
      ) : !keys.data ? (
        <Stack gap="xs" aria-busy="true" aria-label="Loading API keys">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} h={52} />
          ))}
        </Stack>
      ) : keys.data.length === 0 ? (
        <EmptyState
          py={56}
          variant="light"
          icon={<IconKey size={26} />}
          title="No API keys yet"
          description="Create one key per service that reports usage or checks limits, so you can revoke one without touching the others."
          style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
        >
          <EmptyState.Actions>
            <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              Create your first key
            </Button>
          </EmptyState.Actions>
        </EmptyState>
      ) : (
        <Card p={0}>
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="API keys" className="md-table-sticky-actions" styles={{ th: { whiteSpace: 'nowrap' } }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>
                    <span className="md-visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {keys.data.map((key) => (
                  <KeyRow key={key.id} apiKey={key} onRevoke={() => setRevoking(key)} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <Text size="xs" c="dimmed">
        Send a key as <Code fz="xs">Authorization: Bearer mdk_…</Code> to {baseUrl}/v1/…; the API’s description is at{' '}
        {baseUrl === window.location.origin ? (
          <Anchor href={`${baseUrl}/v1/openapi.json`} target="_blank" rel="noreferrer" inherit>
            /v1/openapi.json
          </Anchor>
        ) : (
          <Code fz="xs">/v1/openapi.json</Code>
        )}
        . Each request counts toward the plan’s requests per minute.
      </Text>
      <CreateApiKeyModal opened={creating} onClose={() => setCreating(false)} />
      <RevokeKeyModal apiKey={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}

const STATUS_BADGE: Record<KeyStatus, { label: string; color: string; variant: 'dot' | 'light' }> = {
  active: { label: 'Active', color: 'teal', variant: 'dot' },
  expired: { label: 'Expired', color: 'orange', variant: 'light' },
  revoked: { label: 'Revoked', color: 'gray', variant: 'light' },
};

function KeyRow({ apiKey: key, onRevoke }: { apiKey: ApiKey; onRevoke: () => void }) {
  const status = keyStatus(key);
  const badge = STATUS_BADGE[status];
  const statusHint =
    status === 'revoked' ? `Revoked ${formatDateTime(key.revokedAt)}` : status === 'expired' ? `Expired ${formatDateTime(key.expiresAt)}` : 'Accepted by the API';
  return (
    <Table.Tr data-testid={`api-key-${key.prefix}`} data-status={status} style={status === 'active' ? undefined : { opacity: 0.72 }}>
      <Table.Td>
        <Text size="sm" fw={600} miw={140} style={{ wordBreak: 'break-word' }}>
          {key.name}
        </Text>
      </Table.Td>
      <Table.Td>
        <Code fz="xs" style={{ whiteSpace: 'nowrap' }}>
          {maskedKey(key.prefix)}
        </Code>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {key.scopes.map((s) => (
            <Badge key={s} size="sm" variant="light" color={scopeColor(s)} ff="monospace" miw="max-content">
              {s}
            </Badge>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm" title={formatDateTime(key.createdAt)} style={{ whiteSpace: 'nowrap' }}>
          {formatDate(key.createdAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        {key.lastUsedAt ? (
          <Text size="sm" title={formatDateTime(key.lastUsedAt)} style={{ whiteSpace: 'nowrap' }}>
            {formatRelative(key.lastUsedAt)}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            never
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {key.expiresAt ? (
          <Text size="sm" title={formatDateTime(key.expiresAt)} c={status === 'expired' ? 'orange.7' : undefined} style={{ whiteSpace: 'nowrap' }}>
            {status === 'expired' ? formatDate(key.expiresAt) : formatRelative(key.expiresAt)}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            never
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Tooltip label={statusHint}>
          <Badge variant={badge.variant} color={badge.color} miw="max-content">
            {badge.label}
          </Badge>
        </Tooltip>
      </Table.Td>
      <Table.Td ta="right">
        {status !== 'revoked' && (
          <Button size="xs" variant="subtle" color="red" leftSection={<IconKeyOff size={14} />} onClick={onRevoke} aria-label={`Revoke ${key.name}`}>
            Revoke
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

function RevokeKeyModal({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        notifications.show({ color: 'teal', title: 'API key revoked', message: `${apiKey?.name} is refused by the API within a few seconds, on every server.` });
        close();
        await refresh.apiKeys();
      },
    }),
  );
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <ConfirmModal
      opened={!!apiKey}
      onClose={close}
      onConfirm={() => apiKey && revoke.mutate({ apiKeyId: apiKey.id })}
      title="Revoke this API key?"
      confirmLabel="Revoke key"
      pending={revoke.isPending}
      error={revoke.error}
    >
      <Stack gap="xs">
        <Text size="sm">
          Requests made with <b>{apiKey?.name}</b> will be refused within a few seconds, on every server. This cannot be undone: services that use it
          need a new key.
        </Text>
        {apiKey && (
          <Text size="sm" c="dimmed">
            Key: <Code fz="xs">{maskedKey(apiKey.prefix)}</Code>
          </Text>
        )}
      </Stack>
    </ConfirmModal>
  );
}
