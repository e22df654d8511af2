// What the plan includes beyond metered amounts: API access, webhooks and a few numeric caps.
import { Anchor, Badge, Button, Card, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconCheck, IconRefresh, IconX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../lib/errors';
import { formatNumber } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';

const FEATURES: { key: string; label: string; kind: 'flag' | 'count' }[] = [
  { key: 'api_access', label: 'API access', kind: 'flag' },
  { key: 'webhooks', label: 'Webhooks', kind: 'flag' },
  { key: 'max_bots', label: 'Max bots', kind: 'count' },
  { key: 'max_documents', label: 'Max documents', kind: 'count' },
  { key: 'api_requests_per_minute', label: 'Requests per minute', kind: 'count' },
];

export function PlanFeaturesCard() {
  const trpc = useTRPC();
  const { can } = useAccess();
  const entitlements = useQuery(trpc.usage.entitlements.queryOptions());
  const features = entitlements.data?.features;
  return (
    <Card h="100%">
      <Title order={2} fz="md">
        Plan features
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        What your plan includes besides the amounts below.
      </Text>
      {entitlements.isError ? (
        <Stack gap="xs" align="flex-start" role="alert">
          <Text size="sm" c="red">
            {errorMessage(entitlements.error)}
          </Text>
          <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} onClick={() => entitlements.refetch()}>
            Try again
          </Button>
        </Stack>
      ) : !features ? (
        <Stack gap={12} aria-busy="true" aria-label="Loading plan features">
          {FEATURES.map((f) => (
            <Skeleton key={f.key} h={20} />
          ))}
        </Stack>
      ) : (
        <Stack gap={10} component="dl" m={0}>
          {FEATURES.map((f) => (
            <Group key={f.key} justify="space-between" gap="sm" wrap="nowrap">
              <Text component="dt" size="sm">
                {f.label}
              </Text>
              <Text component="dd" m={0} size="sm">
                <FeatureValue value={features[f.key]} kind={f.kind} />
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      {features && features.api_access === true && can('api_keys:manage') && (
        <Anchor href="#/api-keys" size="sm" mt="md">
          Manage API keys
        </Anchor>
      )}
    </Card>
  );
}

function FeatureValue({ value, kind }: { value: boolean | number | undefined; kind: 'flag' | 'count' }) {
  if (value === undefined) {
    return (
      <Text span c="dimmed" inherit>
        —
      </Text>
    );
  }
  if (value === false) {
    return (
      <Badge variant="light" color="gray" leftSection={<IconX size={12} />}>
        Not included
      </Badge>
    );
  }
  if (typeof value === 'number') {
    return (
      <Text span fw={600} inherit className="md-stat-value">
        {formatNumber(value)}
      </Text>
    );
  }
  // true: a flag that is on, or a count without a cap.
  return kind === 'flag' ? (
    <Badge variant="light" color="teal" leftSection={<IconCheck size={12} />}>
      Included
    </Badge>
  ) : (
    <Text span fw={600} inherit>
      Unlimited
    </Text>
  );
}
