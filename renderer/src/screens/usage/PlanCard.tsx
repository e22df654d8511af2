// The organization's plan, subscription state and the period being shown.
import { Badge, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCalendar, IconGauge, IconShieldHalf } from '@tabler/icons-react';
import { formatMonth, formatPeriod, plural } from '../../lib/format';
import { OVERAGE_POLICY_TEXT, STATUS_META, shareOfLimit, type UsageSummary } from './usageDisplay';

export function PlanCard({ summary, current }: { summary: UsageSummary; current: boolean }) {
  const status = STATUS_META[summary.status] ?? { label: summary.status, color: 'gray' };
  const policy = OVERAGE_POLICY_TEXT[summary.plan.overagePolicy];
  const shares = summary.metrics.map(shareOfLimit).filter((p): p is number => p !== null);
  const atLimit = shares.filter((p) => p >= 100).length;
  const nearLimit = shares.filter((p) => p >= 75 && p < 100).length;
  const unused = summary.metrics.every((m) => m.used === 0 && m.reserved === 0);
  // A past period is closed: "yet" would promise usage that can no longer come.
  const unusedLabel = current ? 'Nothing used yet in this period' : `Nothing was used in ${formatMonth(summary.periodStart)}`;
  return (
    <Card h="100%">
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
        <div style={{ minWidth: 0 }}>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.05em' }}>
            Plan
          </Text>
          <Group gap="xs" mt={2} align="center">
            <Title order={2} fz={24} data-testid="usage-plan-name">
              {summary.plan.name}
            </Title>
            <Group gap={6} data-testid="usage-status">
              <Badge variant={summary.status === 'active' ? 'dot' : 'light'} color={status.color} size="lg">
                {status.label}
              </Badge>
              {summary.suspended && (
                <Badge variant="filled" color="red.7" size="lg">
                  Suspended
                </Badge>
              )}
            </Group>
          </Group>
        </div>
        <ThemeIcon size={40} radius="md" variant="light" aria-hidden>
          <IconGauge size={22} />
        </ThemeIcon>
      </Group>
      <Stack gap={8} mt="md">
        <Group gap={8} wrap="nowrap">
          <IconCalendar size={16} style={{ flexShrink: 0, opacity: 0.6 }} aria-hidden />
          <Text size="sm">
            <Text span c="dimmed" inherit>
              {current ? 'Current period' : 'Period'}:{' '}
            </Text>
            <Text span fw={600} inherit data-testid="usage-period">
              {formatPeriod(summary.periodStart, summary.periodEnd)}
            </Text>
          </Text>
        </Group>
        <Group gap={8} wrap="nowrap" align="flex-start">
          <IconShieldHalf size={16} style={{ flexShrink: 0, opacity: 0.6, marginTop: 2 }} aria-hidden />
          <Text size="sm">
            <Text span fw={600} inherit>
              {policy.label}.
            </Text>{' '}
            <Text span c="dimmed" inherit>
              {policy.hint}
            </Text>
          </Text>
        </Group>
      </Stack>
      <Group gap={6} mt="auto" pt="md">
        {atLimit > 0 && (
          <Badge variant="light" color="red">
            {plural(atLimit, 'metric')} at the limit
          </Badge>
        )}
        {nearLimit > 0 && (
          <Badge variant="light" color="orange">
            {plural(nearLimit, 'metric')} above 75%
          </Badge>
        )}
        {atLimit === 0 && nearLimit === 0 && (
          <Badge variant="light" color="teal">
            {!shares.length ? 'No limits on this plan' : unused ? unusedLabel : current ? 'Every metric below 75% of its limit' : 'Every metric stayed below 75% of its limit'}
          </Badge>
        )}
      </Group>
    </Card>
  );
}
