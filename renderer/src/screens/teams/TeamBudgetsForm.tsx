// A team's monthly budget per metric (admins).
import { MetricLimitsForm } from '../../components/MetricLimitsForm';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPCClient } from '../../trpc';
import type { Team } from './types';

export function TeamBudgetsForm({ team }: { team: Team }) {
  const client = useTRPCClient();
  const refresh = useRefresh();
  return (
    <MetricLimitsForm
      limits={team.budgets}
      save={(changes) => client.teams.setBudgets.mutate({ teamId: team.id, budgets: changes })}
      refresh={refresh.teams}
      noun="budget"
      emptyText="No budgets: the team shares the organization’s quota."
      savedMessage={`Budgets saved for ${team.name}.`}
    />
  );
}
