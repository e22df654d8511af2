// Per-person monthly limits, one per metric (inside the team budget and the organization's quota).
// Admins edit them here; the drawer shows others a read-only list (components/MetricLimits.tsx).
import { MetricLimitsForm } from '../../components/MetricLimitsForm';
import type { LimitRow } from '../../components/MetricLimits';
import { useRefresh } from '../../lib/useRefresh';
import { useTRPCClient } from '../../trpc';

export function MemberLimitsForm({ membershipId, name, limits }: { membershipId: string; name: string; limits: LimitRow[] }) {
  const client = useTRPCClient();
  const refresh = useRefresh();
  return (
    <MetricLimitsForm
      limits={limits}
      save={(changes) => client.members.setLimits.mutate({ membershipId, limits: changes })}
      refresh={refresh.member}
      noun="limit"
      emptyText={`No personal limits: ${name} shares the team budget and the organization’s quota.`}
      savedMessage={`Limits saved for ${name}.`}
    />
  );
}
