// One scope's dashboard — the organization, a team or a person: every metric against its limit
// with the projection to the period's end and cost so far, the daily chart stacked by team or
// person, this period against the one before, and the teams or people to drill into.
import { Anchor, Breadcrumbs, Button, Card, Grid, Group, SegmentedControl, Select, Skeleton, Stack, Switch, Text, Title } from '@mantine/core';
import { IconAdjustments, IconListDetails } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { formatPeriod, plural } from '../../lib/format';
import { useAccess, type RouterOutputs } from '../../lib/me';
import { metricUnit } from '../../lib/metrics';
import { useTRPC } from '../../trpc';
import { DailyUsageChart, PeriodComparisonChart } from './UsageCharts';
import { UsageBreakdownTable } from './UsageBreakdownTable';
import { AlertThresholdsModal, MemberLimitsModal, TeamBudgetsModal } from './UsageLimitsModals';
import { UsageMetricsTable } from './UsageMetricsTable';
import { usageHref, type GoToUsage, type UsageLocation } from './usageRoute';

type Overview = RouterOutputs['usage']['overview'];
type Metric = Overview['metrics'][number];

const quiet = (m: Metric) => m.limit === null && m.used === 0 && m.reserved === 0 && m.credits === 0;

/** Where you are in the drill-down, and the other scopes you may open. */
export function ScopeBar({ loc, go, overview }: { loc: UsageLocation; go: GoToUsage; overview: Overview }) {
  const { reach, scope } = overview;
  const crumbs: { label: string; href?: string }[] = [];
  if (reach.level === 'organization') crumbs.push({ label: 'Organization', href: usageHref({}) });
  const teamId = scope.kind === 'team' ? scope.id : loc.team;
  const team = reach.teams.find((t) => t.id === teamId);
  if (team) crumbs.push({ label: team.name, href: usageHref({ scope: 'team', id: team.id }) });
  if (scope.kind === 'user') crumbs.push({ label: scope.id === reach.userId ? 'You' : scope.name, href: usageHref({ scope: 'user', id: scope.id, team: loc.team }) });
  if (loc.view === 'events') crumbs.push({ label: 'Events' });
  else if (crumbs.length) delete crumbs[crumbs.length - 1]!.href;
  return (
    <Group justify="space-between" gap="sm" wrap="wrap">
      <Breadcrumbs aria-label="Usage drill-down" separator="›">
        {crumbs.map((c) =>
          c.href ? (
            <Anchor key={c.label} href={c.href} size="sm">
              {c.label}
            </Anchor>
          ) : (
            <Text key={c.label} size="sm" fw={600}>
              {c.label}
            </Text>
          ),
        )}
      </Breadcrumbs>
      <Group gap="xs">
        {reach.teams.length > 0 && (
          <Select
            size="xs"
            w={200}
            aria-label="Open a team's usage"
            placeholder="Open a team…"
            data={reach.teams.map((t) => ({ value: t.id, label: t.name }))}
            value={scope.kind === 'team' && loc.view !== 'events' ? scope.id : null}
            onChange={(id) => id && go({ scope: 'team', id })}
            searchable
          />
        )}
        {!(scope.kind === 'user' && scope.id === reach.userId && loc.view !== 'events') && (
          <Button size="xs" variant="default" component="a" href={usageHref({ scope: 'user' })}>
            My usage
          </Button>
        )}
      </Group>
    </Group>
  );
}

export function UsageDashboard({ overview, loc, go, periodInput, current }: { overview: Overview; loc: UsageLocation; go: GoToUsage; periodInput: { period?: string }; current: boolean }) {
  const trpc = useTRPC();
  const { can } = useAccess();
  const [showAll, setShowAll] = useState(false);
  const [editing, setEditing] = useState<'limits' | 'thresholds' | null>(null);
  const { scope } = overview;
  const shown = showAll ? overview.metrics : overview.metrics.filter((m) => !quiet(m));
  const metric = overview.metrics.find((m) => m.metric === loc.metric) ?? overview.metrics.find((m) => m.used > 0) ?? overview.metrics.find((m) => m.limit !== null) ?? overview.metrics[0]!;
  const by = scope.kind === 'organization' ? (loc.by ?? 'team') : 'person';
  const breakdown = useQuery({
    ...trpc.usage.breakdown.queryOptions({ scope: scope.kind, id: scope.kind === 'organization' ? undefined : scope.id, metric: metric.metric, by, ...periodInput }),
    placeholderData: keepPreviousData,
    refetchInterval: current ? 30_000 : false,
  });
  // Who may change this scope's limits: the same permissions as the Teams and Members screens.
  const canEditLimits = (scope.kind === 'team' && can('teams:manage')) || (scope.kind === 'user' && can('members:manage') && 'membershipId' in scope);
  const membershipId = scope.kind === 'user' && 'membershipId' in scope ? scope.membershipId : null;
  // From a person reached through a team, the events stay that team's (and the way back leads there).
  const eventsHref = usageHref({ view: 'events', scope: scope.kind === 'organization' ? undefined : scope.kind, id: scope.kind === 'organization' ? undefined : scope.id, team: scope.kind === 'team' ? scope.id : loc.team, person: scope.kind === 'user' ? scope.id : undefined });
  const drill = (row: { id: string }) => (breakdown.data?.by === 'team' ? usageHref({ scope: 'team', id: row.id }) : usageHref({ scope: 'user', id: row.id, team: scope.kind === 'team' ? scope.id : undefined }));

  return (
    <Stack gap="lg" data-testid={`usage-dashboard-${scope.kind}`}>
      <Card p={0}>
        <Group justify="space-between" gap="sm" px="lg" py="md" wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <div>
            <Title order={2} fz="md" data-testid="usage-scope-name">
              {scope.kind === 'organization' ? 'Metrics' : scope.name}
            </Title>
            <Text size="sm" c="dimmed">
              {formatPeriod(overview.periodStart, overview.periodEnd)}
              {overview.current ? ` · ${plural(overview.daysLeft, 'day')} left` : ' · closed'}
              {!showAll && overview.metrics.some(quiet) ? ' · metrics without a limit or usage hidden' : ''}
            </Text>
          </div>
          <Group gap="sm">
            <Switch label="Show all metrics" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} />
            {scope.kind === 'organization' && can('organization:update') && (
              <Button size="xs" variant="default" leftSection={<IconAdjustments size={14} />} onClick={() => setEditing('thresholds')}>
                Alert thresholds
              </Button>
            )}
            {canEditLimits && (
              <Button size="xs" variant="default" leftSection={<IconAdjustments size={14} />} onClick={() => setEditing('limits')}>
                {scope.kind === 'team' ? 'Edit budgets' : 'Edit limits'}
              </Button>
            )}
            <Button size="xs" variant="light" component="a" href={eventsHref} leftSection={<IconListDetails size={14} />}>
              Events
            </Button>
          </Group>
        </Group>
        {shown.length === 0 ? (
          <Text p="lg" size="sm" c="dimmed">
            Nothing used or limited yet this period.
          </Text>
        ) : (
          <UsageMetricsTable metrics={shown} thresholds={overview.alertThresholds} showCredits={scope.kind === 'organization'} current={overview.current} onEditLimit={canEditLimits ? () => setEditing('limits') : undefined} />
        )}
        <Text size="xs" c="dimmed" px="lg" py="xs">
          Bars change colour at the alert thresholds ({overview.alertThresholds.map((t) => `${t}%`).join(', ')}). Success: SMS accepted by the provider and not reported undelivered, and API requests answered without an error, this period.
        </Text>
      </Card>

      <Group justify="space-between" wrap="wrap">
        <Select
          label="Chart and breakdown of"
          size="sm"
          w={240}
          data={overview.metrics.map((m) => ({ value: m.metric, label: m.label }))}
          value={metric.metric}
          onChange={(v) => v && go({ ...loc, metric: v })}
          allowDeselect={false}
          searchable
        />
        {scope.kind === 'organization' && (
          <SegmentedControl
            aria-label="Break down by"
            data={[
              { value: 'team', label: 'By team' },
              { value: 'person', label: 'By person' },
            ]}
            value={by}
            onChange={(v) => go({ ...loc, by: v as 'team' | 'person' })}
          />
        )}
      </Group>
      {breakdown.isError && !breakdown.data ? (
        <ErrorState error={breakdown.error} onRetry={() => breakdown.refetch()} title="The breakdown could not be loaded" />
      ) : !breakdown.data ? (
        <Skeleton h={260} radius="lg" />
      ) : (
        <>
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, md: 7 }}>
              <DailyUsageChart breakdown={breakdown.data} unit={metricUnit(metric.metric)} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <PeriodComparisonChart breakdown={breakdown.data} currentUsed={metric.used} unit={metricUnit(metric.metric)} />
            </Grid.Col>
          </Grid>
          {breakdown.data.by && (
            <Card p={0}>
              <Group px="lg" py="md" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
                <div>
                  <Title order={2} fz="md">
                    {metric.label} by {breakdown.data.by}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {breakdown.data.by === 'person' && scope.kind === 'team' ? 'Each person’s usage this period (in all their teams). Open one to see their events.' : 'Open one to drill down.'}
                  </Text>
                </div>
              </Group>
              <UsageBreakdownTable breakdown={breakdown.data} thresholds={overview.alertThresholds} href={drill} />
            </Card>
          )}
        </>
      )}

      {scope.kind === 'organization' && <AlertThresholdsModal key={overview.alertThresholds.join()} thresholds={overview.alertThresholds} opened={editing === 'thresholds'} onClose={() => setEditing(null)} />}
      {scope.kind === 'team' && canEditLimits && <TeamBudgetsModal teamId={scope.id} opened={editing === 'limits'} onClose={() => setEditing(null)} />}
      {membershipId && canEditLimits && (
        <MemberLimitsModal
          membershipId={membershipId}
          name={scope.name}
          limits={overview.metrics.filter((m) => m.limit !== null).map((m) => ({ metric: m.metric, limit: m.limit! }))}
          opened={editing === 'limits'}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}
