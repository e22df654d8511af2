// #/usage: the organization's usage this period (or one of the eleven before) against its plan,
// with what is in flight, what is left and prepaid credits; plus the plan's features.
import { Alert, Button, Card, EmptyState, Grid, Group, Loader, Select, Skeleton, Stack, Switch, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconChartBar, IconCreditCard, IconRefresh } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PaywallModal } from '../../components/PaywallModal';
import { PageHeader } from '../../components/PageHeader';
import { formatMonth, plural } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { PlanCard } from './PlanCard';
import { PlanFeaturesCard } from './PlanFeaturesCard';
import { UsageMetricsTable } from './UsageMetricsTable';
import { CURRENT_PERIOD, accessWarning, isQuiet, periodOptions, type UsageSummary } from './usageDisplay';

export function UsageScreen() {
  const trpc = useTRPC();
  const [period, setPeriod] = useState(CURRENT_PERIOD);
  const options = useMemo(() => periodOptions(new Date()), []);
  const current = period === CURRENT_PERIOD;
  const summary = useQuery({
    ...trpc.usage.summary.queryOptions(current ? {} : { period }),
    placeholderData: keepPreviousData,
    // Usage arrives through the API while the screen is open; a past period no longer moves.
    refetchInterval: current ? 30_000 : false,
  });
  const switching = summary.isPlaceholderData && summary.isFetching;

  return (
    <Stack gap="lg">
      <PageHeader
        title="Usage"
        description="What your organization used this period against the amounts its plan includes."
        actions={
          <>
            <Select
              size="sm"
              w={250}
              aria-label="Billing period"
              data={options}
              value={period}
              onChange={(v) => v && setPeriod(v)}
              allowDeselect={false}
              rightSection={switching ? <Loader size={14} /> : undefined}
              comboboxProps={{ keepMounted: false, position: 'bottom-end' }}
            />
            <Button variant="default" leftSection={<IconRefresh size={16} />} loading={summary.isFetching && !switching && !summary.isPending} onClick={() => summary.refetch()}>
              Refresh
            </Button>
          </>
        }
      />
      {summary.isError && !summary.data ? (
        <Card>
          <ErrorState error={summary.error} onRetry={() => summary.refetch()} title="Usage could not be loaded" />
        </Card>
      ) : !summary.data ? (
        <UsageSkeleton />
      ) : (
        <UsageContent summary={summary.data} current={current} refreshFailed={summary.isError} onRetry={() => summary.refetch()} />
      )}
    </Stack>
  );
}

function UsageContent({
  summary,
  current,
  refreshFailed,
  onRetry,
}: {
  summary: UsageSummary;
  current: boolean;
  refreshFailed: boolean;
  onRetry: () => void;
}) {
  const { can } = useAccess();
  const [showAll, setShowAll] = useState(false);
  const warning = accessWarning(summary);
  const quiet = summary.metrics.filter(isQuiet).length;
  const shown = showAll ? summary.metrics : summary.metrics.filter((m) => !isQuiet(m));
  // Under a hard cap, a metric at its limit refuses the next send: say so once, with the way on.
  const capped = current && summary.plan.overagePolicy === 'hard_cap' ? summary.metrics.find((m) => m.limit !== null && m.limit > 0 && m.used >= m.limit && m.credits === 0) : undefined;
  const [paywallDismissed, setPaywallDismissed] = useState(false);

  return (
    <>
      {capped && (
        <PaywallModal
          opened={!paywallDismissed}
          onClose={() => setPaywallDismissed(true)}
          metricLabel={capped.label}
          used={capped.used}
          limit={capped.limit!}
          canUpgrade={can('billing:read')}
        />
      )}
      {warning && (
        <Alert role="alert" variant="light" color={warning.color} icon={<IconAlertTriangle size={20} />} title={warning.title} data-testid="usage-access-warning">
          <Text size="sm">{warning.message}</Text>
          {warning.billing && can('billing:read') && (
            <Button component="a" href="#/billing" size="xs" mt="sm" color={warning.color} leftSection={<IconCreditCard size={14} />}>
              Go to billing
            </Button>
          )}
        </Alert>
      )}
      {refreshFailed && (
        <Alert variant="light" color="orange" icon={<IconAlertTriangle size={18} />} py="xs">
          <Group justify="space-between" gap="sm">
            <Text size="sm">These numbers could not be refreshed; they may be out of date.</Text>
            <Button size="xs" variant="default" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <PlanCard summary={summary} current={current} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <PlanFeaturesCard />
        </Grid.Col>
      </Grid>
      <Card p={0}>
        <Group justify="space-between" gap="sm" px="lg" py="md" wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <div>
            <Title order={2} fz="md">
              Metrics
            </Title>
            <Text size="sm" c="dimmed">
              {showAll || quiet === 0 ? 'Every metric Meterdesk meters.' : `${plural(quiet, 'metric')} without a limit or usage hidden.`}
            </Text>
          </div>
          <Switch label="Show all metrics" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} />
        </Group>
        {shown.length === 0 ? (
          <EmptyState
            py={48}
            variant="light"
            icon={<IconChartBar size={26} />}
            title={current ? 'Nothing used or limited yet' : `Nothing was used in ${formatMonth(summary.periodStart)}`}
            description={
              current
                ? 'Usage your services report through the API, and the messages, calls and AI queries sent from Meterdesk, appear here as they happen.'
                : 'No usage was recorded for this period. Pick another month above, or the current period to see usage as it happens.'
            }
          >
            {quiet > 0 && (
              <EmptyState.Actions>
                <Button variant="default" onClick={() => setShowAll(true)}>
                  Show every metric
                </Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        ) : (
          <UsageMetricsTable metrics={shown} />
        )}
      </Card>
    </>
  );
}

function UsageSkeleton() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading usage">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Skeleton h={190} radius="lg" />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Skeleton h={190} radius="lg" />
        </Grid.Col>
      </Grid>
      <Card p="lg">
        <Stack gap="md">
          <Skeleton h={24} w={180} />
          {Array.from({ length: 6 }, (_, i) => (
            <Skeleton key={i} h={40} />
          ))}
        </Stack>
      </Card>
    </Stack>
  );
}
