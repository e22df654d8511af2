// Per-person monthly limits, one per metric (inside the team budget and the organization's quota).
// Admins edit them here; the drawer shows others a read-only list (components/MetricLimits.tsx).
import { Alert, List } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { MetricLimitsForm } from '../../components/MetricLimitsForm';
import type { Draft, LimitRow } from '../../components/MetricLimits';
import { formatNumber } from '../../lib/format';
import { metricLabel } from '../../lib/metrics';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPC, useTRPCClient } from '../../trpc';

interface TeamBudgets {
  id: string;
  name: string;
  budgets: { metric: string; limit: number }[];
}

/** Each personal limit above a budget of one of the person's teams: that budget runs out first. */
export function limitsAboveTeamBudgets(drafts: Draft[], teams: TeamBudgets[]) {
  return drafts.flatMap(({ metric, limit }) => {
    if (limit === '') return [];
    return teams.flatMap((team) => {
      const budget = team.budgets.find((b) => b.metric === metric);
      return budget && limit > budget.limit ? [{ metric, limit, team: team.name, budget: budget.limit }] : [];
    });
  });
}

export function MemberLimitsForm({ membershipId, name, limits, teamIds = [] }: { membershipId: string; name: string; limits: LimitRow[]; teamIds?: string[] }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const refresh = useRefresh();
  const teams = useQuery({ ...trpc.teams.list.queryOptions(), enabled: teamIds.length > 0 });
  const theirTeams = (teams.data ?? []).filter((t) => teamIds.includes(t.id));
  return (
    <MetricLimitsForm
      limits={limits}
      save={(changes) => client.members.setLimits.mutate({ membershipId, limits: changes })}
      refresh={refresh.member}
      noun="limit"
      emptyText={`No personal limits: ${name} shares the team budget and the organization’s quota.`}
      savedMessage={`Limits saved for ${name}.`}
      advice={(drafts) => {
        const above = limitsAboveTeamBudgets(drafts, theirTeams);
        if (above.length === 0) return null;
        return (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Above the team budget" data-testid="limit-above-budget">
            <List size="sm" spacing={2}>
              {above.map((a) => (
                <List.Item key={`${a.metric}-${a.team}`}>
                  {metricLabel(a.metric)}: {formatNumber(a.limit)} is more than {a.team}’s whole budget of {formatNumber(a.budget)}; the team budget runs out first.
                </List.Item>
              ))}
            </List>
          </Alert>
        );
      }}
    />
  );
}
