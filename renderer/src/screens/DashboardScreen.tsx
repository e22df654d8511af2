// The first screen after signing in: which organization this is, the user's role in it, its size
// and what to do next.
import { Badge, Card, EmptyState, Grid, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconShieldLock, IconUsers, IconUsersGroup } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { ErrorState } from '../components/ErrorState';
import { useAccess } from '../lib/me';
import { useTRPC } from '../trpc';
import { MembersByRoleCard } from './dashboard/MembersByRoleCard';
import { NextStepsCard } from './dashboard/NextStepsCard';
import { StatCard } from './dashboard/StatCard';

export function DashboardScreen() {
  const { me, orgRoleLabel, platformRoleLabel } = useAccess();
  if (!me.activeOrganization) return <NoOrganization name={me.user.name} platformRoleLabel={platformRoleLabel} />;

  return (
    <Stack gap="xl">
      <div>
        <Group gap="sm" align="center">
          <Title order={1}>{me.activeOrganization.name}</Title>
          <div data-testid="current-role">
            <Badge size="lg" variant="light" title="Your role in this organization">
              {orgRoleLabel}
            </Badge>
          </div>
        </Group>
        <Text c="dimmed" mt={4}>
          {me.firstSession ? 'Welcome' : 'Welcome back'}, {firstName(me.user.name)}. Here is your organization at a glance.
        </Text>
      </div>
      <Overview />
    </Stack>
  );
}

function Overview() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.organization.overview.queryOptions());

  if (overview.isError) {
    return (
      <Card>
        <ErrorState error={overview.error} onRetry={() => overview.refetch()} title="The overview could not be loaded" />
      </Card>
    );
  }
  const data = overview.data;
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="lg">
            {/* A manager's figures cover the teams they run, not the organization. */}
            <StatCard label="Members" value={data?.memberCount} hint={data?.scope === 'teams' ? 'Active people in your teams, you included' : 'Active people in this organization'} icon={<IconUsers size={20} />} />
            <StatCard label="Teams" value={data?.teamCount} hint={data?.scope === 'teams' ? 'Teams you manage' : 'Teams in use'} icon={<IconUsersGroup size={20} />} color="violet" />
          </SimpleGrid>
          {data ? <MembersByRoleCard byRole={data.membersByRole} total={data.memberCount} title={data.scope === 'teams' ? 'Your teams by role' : 'Members by role'} /> : <Skeleton h={236} radius="lg" />}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <NextStepsCard memberCount={data?.memberCount} teamCount={data?.teamCount} />
      </Grid.Col>
    </Grid>
  );
}

function NoOrganization({ name, platformRoleLabel }: { name: string; platformRoleLabel: string | null }) {
  return (
    <Stack gap="xl">
      <Title order={1}>Welcome, {firstName(name)}</Title>
      <Card py={48}>
        <EmptyState
          variant="light"
          color="grape"
          icon={<IconShieldLock size={26} />}
          title="You are not in any organization"
          description={
            platformRoleLabel
              ? `You are signed in as platform ${platformRoleLabel.toLowerCase()}. Tenant tools appear in the sidebar as they become available.`
              : 'Ask an administrator of your company to invite you to their organization.'
          }
        />
      </Card>
    </Stack>
  );
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
