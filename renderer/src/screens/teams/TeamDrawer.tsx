// One team in a side drawer: its members (add by email, remove), its name and archive state, and
// its monthly budgets. Actions appear only for admins and the team's own managers.
import { Badge, Drawer, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { DrawerSection } from '../../components/DrawerSection';
import { ErrorState } from '../../components/ErrorState';
import { formatDate, plural } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { LimitsList } from '../../components/MetricLimits';
import { TeamBudgetsForm } from './TeamBudgetsForm';
import { TeamMembersSection } from './TeamMembersSection';
import { UsedAgainstLimits } from '../usage/UsedAgainstLimits';
import { TeamSettingsSection } from './TeamSettingsSection';

export function TeamDrawer({ teamId, onClose }: { teamId: string | null; onClose: () => void }) {
  const [shown, setShown] = useState(teamId);
  useEffect(() => {
    if (teamId) setShown(teamId);
  }, [teamId]);
  return (
    <Drawer opened={!!teamId} onClose={onClose} position="right" size={520} title={<Text fw={650}>Team</Text>} padding="lg">
      {shown && <TeamDetails teamId={shown} />}
    </Drawer>
  );
}

function TeamDetails({ teamId }: { teamId: string }) {
  const trpc = useTRPC();
  const { can } = useAccess();
  // Archived teams too, so the drawer keeps its team after archiving it.
  const teams = useQuery(trpc.teams.list.queryOptions({ includeArchived: true }));
  if (teams.isError) return <ErrorState error={teams.error} onRetry={() => teams.refetch()} title="This team could not be loaded" />;
  if (!teams.data) {
    return (
      <Stack gap="md" aria-busy="true" aria-label="Loading team">
        <Skeleton h={28} w="60%" />
        <Skeleton h={16} w="40%" />
        <Skeleton h={160} />
      </Stack>
    );
  }
  const team = teams.data.find((t) => t.id === teamId);
  if (!team) return <ErrorState error={new Error('This team no longer exists.')} title="Team not found" />;
  const admin = can('teams:manage');
  const canManage = admin || (can('teams:manage_own') && team.managedByMe);
  const archived = !!team.archivedAt;

  return (
    <Stack gap="lg">
      <div>
        <Group gap="xs" align="center">
          <Title order={2} fz="xl">
            {team.name}
          </Title>
          {team.managedByMe && (
            <Badge variant="light" color="teal">
              You manage
            </Badge>
          )}
          {archived && (
            <Badge variant="light" color="gray">
              Archived {formatDate(team.archivedAt)}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed" mt={4}>
          {plural(team.memberCount, 'member')} · {team.managers.length ? `Managed by ${team.managers.join(', ')}` : 'No manager yet'}
        </Text>
      </div>

      <DrawerSection title="Members">
        <TeamMembersSection team={team} canManage={canManage} />
      </DrawerSection>

      <DrawerSection title="Monthly budgets" hint="Usage by the team’s members counts against these, inside the organization’s quota.">
        <UsedAgainstLimits scope="team" id={team.id} />
        {admin ? <TeamBudgetsForm key={team.id} team={team} /> : <LimitsList rows={team.budgets} empty="No budgets: the team shares the organization’s quota." />}
      </DrawerSection>

      {canManage && (
        <DrawerSection title="Team settings">
          <TeamSettingsSection key={team.id} team={team} />
        </DrawerSection>
      )}
    </Stack>
  );
}

