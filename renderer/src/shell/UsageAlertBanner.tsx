// Seed 003's prominent banner: an organization limit at 90 % or more of this period, or a send a
// hard cap refused today (the organization's, or the viewer's own or their team's). Every member
// sees it; the call to action goes where their role can act.
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconHandStop } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { formatNumber } from '../lib/format';
import { useAccess } from '../lib/me';
import { useTRPC } from '../trpc';

export function UsageAlertBanner() {
  const trpc = useTRPC();
  const { me, can } = useAccess();
  const banner = useQuery({ ...trpc.alerts.banner.queryOptions(), enabled: !!me.activeOrganization && can('organization:read'), refetchInterval: 30_000 });
  const data = banner.data;
  if (!data || (data.nearLimit.length === 0 && data.blockedToday.length === 0)) return null;
  const action = can('billing:read') ? (
    <Button component="a" href="#/billing" size="xs" variant="white" color="dark">
      Review plan
    </Button>
  ) : can('usage:read') ? (
    <Button component="a" href="#/usage" size="xs" variant="white" color="dark">
      View usage
    </Button>
  ) : null;
  const blocked = data.blockedToday;
  return (
    <Alert
      color={blocked.length ? 'red' : 'orange'}
      variant="light"
      mb="lg"
      role="status"
      data-testid="usage-alert-banner"
      icon={blocked.length ? <IconHandStop size={18} /> : <IconAlertTriangle size={18} />}
      title={blocked.length ? 'A limit is blocking sends' : 'Close to the plan’s limit'}
    >
      <Group justify="space-between" wrap="wrap" gap="sm">
        <div>
          {blocked.map((b) => (
            <Text size="sm" key={`${b.metric}-${b.scope}`}>
              {b.label}: {b.scope === 'organization' ? 'the organization’s quota' : b.scope === 'team' ? 'your team’s budget' : 'your personal limit'}
              {b.limit !== null ? ` of ${formatNumber(b.limit)}` : ''} refused a send today.
            </Text>
          ))}
          {data.nearLimit.map((n) => (
            <Text size="sm" key={n.metric}>
              {n.label}: {formatNumber(n.used)} of {formatNumber(n.limit)} used ({n.percent}%) this period.
            </Text>
          ))}
        </div>
        {action}
      </Group>
    </Alert>
  );
}
