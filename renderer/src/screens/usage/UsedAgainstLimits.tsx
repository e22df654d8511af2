// What a team or person has used this period beside each of their budgets or limits, so nobody sets
// one blind (member and team drawers). Hidden for those who may not see that scope's usage.
import { Anchor, Group, Progress, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { formatNumber } from '../../lib/format';
import { useTRPC } from '../../trpc';
import { formatPercent, thresholdColor } from './usageDisplay';
import { usageHref } from './usageRoute';

export function UsedAgainstLimits({ scope, id }: { scope: 'team' | 'user'; id: string }) {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.usage.overview.queryOptions({ scope, id }), retry: false });
  if (!overview.data) return null;
  const limited = overview.data.metrics.filter((m) => m.limit !== null || m.used > 0);
  return (
    <Stack gap={8} mb="md" data-testid={`used-against-limits-${scope}`}>
      <Text size="xs" c="dimmed">
        Used this period{overview.data.current ? ` · ${overview.data.daysLeft} days left` : ''}
      </Text>
      {limited.length === 0 && (
        <Text size="sm" c="dimmed">
          Nothing used yet this period.
        </Text>
      )}
      {limited.map((m) => {
        const color = m.percent === null ? 'teal' : thresholdColor(m.percent, overview.data.alertThresholds);
        return (
          <div key={m.metric} data-testid={`used-${m.metric}`} data-used={m.used}>
            <Group justify="space-between" gap="xs">
              <Text size="sm">{m.label}</Text>
              <Text size="sm" className="md-stat-value">
                <b>{formatNumber(m.used)}</b>
                {m.limit !== null ? ` of ${formatNumber(m.limit)}` : ' · no limit'}
                {m.percent !== null && (
                  <Text span size="xs" c={color === 'teal' ? 'dimmed' : color} fw={600}>
                    {' '}
                    {formatPercent(m.percent)}
                  </Text>
                )}
              </Text>
            </Group>
            {m.percent !== null && <Progress size={4} radius="xl" value={Math.min(100, m.percent)} color={color} mt={2} />}
            {m.willExceed && overview.data.current && (
              <Text size="xs" c="red.7">
                On pace for {formatNumber(m.projected)} by the period’s end.
              </Text>
            )}
          </div>
        );
      })}
      <Anchor size="xs" href={usageHref({ scope, id })}>
        Open the usage dashboard
      </Anchor>
    </Stack>
  );
}
