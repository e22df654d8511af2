// #/usage: usage dashboards by role. Owners and admins open on the organization (its plan and
// features, every metric, daily charts by team or person) and drill into any team, person and the
// events themselves; managers open on their teams and their people; members and guests see their
// own usage. The place in the drill-down is kept in the address (usageRoute.ts).
import { Alert, Button, Card, Grid, Group, Loader, Select, Skeleton, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCreditCard, IconRefresh } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PaywallModal } from '../../components/PaywallModal';
import { PageHeader } from '../../components/PageHeader';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { PlanCard } from './PlanCard';
import { PlanFeaturesCard } from './PlanFeaturesCard';
import { ScopeBar, UsageDashboard } from './UsageDashboard';
import { UsageEventsView } from './UsageEventsView';
import { CURRENT_PERIOD, accessWarning, periodOptions, type UsageSummary } from './usageDisplay';
import { useUsageLocation, type UsageScope } from './usageRoute';

export function UsageScreen() {
  const trpc = useTRPC();
  const { can } = useAccess();
  const [loc, go] = useUsageLocation();
  const [period, setPeriod] = useState(CURRENT_PERIOD);
  const options = useMemo(() => periodOptions(new Date()), []);
  const current = period === CURRENT_PERIOD;
  const orgWide = can('usage:read');
  const scope: UsageScope = loc.scope ?? (orgWide ? 'organization' : 'user');
  const periodInput = current ? {} : { period };
  const overview = useQuery({
    ...trpc.usage.overview.queryOptions({ scope, id: loc.id, ...periodInput }),
    placeholderData: keepPreviousData,
    // Usage arrives through the API while the screen is open; a past period no longer moves.
    refetchInterval: current ? 30_000 : false,
  });
  const switching = overview.isPlaceholderData && overview.isFetching;
  const reach = overview.data?.reach;
  // Managers open on their (first) team rather than on themselves.
  useEffect(() => {
    if (!loc.scope && reach?.level === 'team' && reach.teams[0]) go({ scope: 'team', id: reach.teams[0].id }, { replace: true });
  }, [loc.scope, reach, go]);

  const scopeName = overview.data?.scope.name;
  const description =
    scope === 'organization'
      ? 'What your organization used this period against the amounts its plan includes.'
      : scope === 'team'
        ? `What ${scopeName ?? 'this team'} used this period against its budgets.`
        : overview.data && overview.data.scope.id === overview.data.reach.userId
          ? 'What you used this period against your limits.'
          : `What ${scopeName ?? 'this person'} used this period against their limits.`;

  return (
    <Stack gap="lg">
      <PageHeader
        title={loc.view === 'events' ? 'Usage events' : 'Usage'}
        description={loc.view === 'events' ? 'Every usage event you may see, newest first: open one for its attribution and metadata.' : description}
        actions={
          <>
            {loc.view !== 'events' && (
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
            )}
            <Button variant="default" leftSection={<IconRefresh size={16} />} loading={overview.isFetching && !switching && !overview.isPending} onClick={() => overview.refetch()}>
              Refresh
            </Button>
          </>
        }
      />
      {overview.data && <ScopeBar loc={loc} go={go} overview={overview.data} />}
      {overview.isError && !overview.data ? (
        <Card>
          <ErrorState error={overview.error} onRetry={() => overview.refetch()} title="Usage could not be loaded" />
        </Card>
      ) : !overview.data ? (
        <UsageSkeleton />
      ) : loc.view === 'events' ? (
        <UsageEventsView loc={loc} go={go} teams={overview.data.reach.teams} personName={loc.person === overview.data.scope.id ? overview.data.scope.name : undefined} />
      ) : (
        <>
          {scope === 'organization' && orgWide && <OrganizationPlan periodInput={periodInput} current={current} />}
          <UsageDashboard overview={overview.data} loc={loc} go={go} periodInput={periodInput} current={current} />
        </>
      )}
    </Stack>
  );
}

/** The plan, its features and what blocks sending: the organization's own view (usage.summary). */
function OrganizationPlan({ periodInput, current }: { periodInput: { period?: string }; current: boolean }) {
  const trpc = useTRPC();
  const summary = useQuery({ ...trpc.usage.summary.queryOptions(periodInput), placeholderData: keepPreviousData, refetchInterval: current ? 30_000 : false });
  if (summary.isError && !summary.data) return <ErrorState error={summary.error} onRetry={() => summary.refetch()} title="The plan could not be loaded" />;
  if (!summary.data) return <Skeleton h={190} radius="lg" />;
  return <UsageContent summary={summary.data} current={current} refreshFailed={summary.isError} onRetry={() => summary.refetch()} />;
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
  const warning = accessWarning(summary);
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
