// #/teams: every team as a card with its size, managers and budgets. Admins run all of them;
// managers create teams and run the ones they manage.
import { Alert, Button, EmptyState, SimpleGrid, Skeleton, Stack, Switch } from '@mantine/core';
import { IconInfoCircle, IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useAccess } from '../../lib/me';
import { useTRPC } from '../../trpc';
import { CreateTeamModal } from './CreateTeamModal';
import { TeamCard } from './TeamCard';
import { TeamDrawer } from './TeamDrawer';

export function TeamsScreen() {
  const trpc = useTRPC();
  const { can } = useAccess();
  const [showArchived, setShowArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const teams = useQuery(trpc.teams.list.queryOptions({ includeArchived: showArchived }));
  const canCreate = can('teams:manage_own');
  const admin = can('teams:manage');

  return (
    <Stack gap="lg">
      <PageHeader
        title="Teams"
        description="Groups of members, each with its managers and monthly budgets."
        actions={
          <>
            <Switch label="Show archived" checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} />
            {canCreate && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                New team
              </Button>
            )}
          </>
        }
      />
      {canCreate && !admin && (
        <Alert variant="light" color="brand" icon={<IconInfoCircle size={18} />} py="xs">
          You can change the teams you manage, and you manage the teams you create.
        </Alert>
      )}
      {teams.isError ? (
        <ErrorState error={teams.error} onRetry={() => teams.refetch()} title="Teams could not be loaded" />
      ) : !teams.data ? (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg" aria-busy="true" aria-label="Loading teams">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} h={196} radius="lg" />
          ))}
        </SimpleGrid>
      ) : teams.data.length === 0 ? (
        <EmptyState
          py={64}
          variant="light"
          icon={<IconUsersGroup size={26} />}
          title={showArchived ? 'No teams' : 'No teams yet'}
          description={canCreate ? 'Create a team to group people, give it a manager and a monthly budget.' : 'Teams your organization creates appear here.'}
          style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
        >
          {canCreate && (
            <EmptyState.Actions>
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                Create a team
              </Button>
            </EmptyState.Actions>
          )}
        </EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Teams">
          {teams.data.map((team) => (
            <li key={team.id}>
              <TeamCard team={team} onOpen={() => setOpenId(team.id)} />
            </li>
          ))}
        </SimpleGrid>
      )}
      {canCreate && <CreateTeamModal opened={creating} onClose={() => setCreating(false)} />}
      <TeamDrawer teamId={openId} onClose={() => setOpenId(null)} />
    </Stack>
  );
}
