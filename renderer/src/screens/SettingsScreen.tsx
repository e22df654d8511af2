// The organization (name, logo, alert thresholds, contact sharing) and its billing profile, for
// those whose role shows them; appearance for everyone; the database this console runs on, and (for
// super admins) where to point it next.
import { Badge, Card, Code, Group, SegmentedControl, SimpleGrid, Skeleton, Stack, Table, Text, Title, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { DatabaseConnectionForm } from '../components/DatabaseConnectionForm';
import { ErrorState } from '../components/ErrorState';
import { useAccess } from '../lib/me';
import { useTRPC } from '../trpc';
import { BillingProfileCard } from './settings/BillingProfileCard';
import { OrganizationSettingsCard } from './settings/OrganizationSettingsCard';
import { OwnershipCard } from './settings/OwnershipCard';
import { PlatformCard } from './settings/PlatformCard';
import { ConnectionsCard } from './settings/ConnectionsCard';
import { SmsChannelCard, SmsRevocationReviewCard } from './settings/SmsChannelCard';
import { SigningKeyCard } from './exports/ExportsScreen';

export function SettingsScreen() {
  const { me, can } = useAccess();
  const inOrganization = !!me.activeOrganization;
  return (
    <Stack gap="xl">
      <div>
        <Title order={1}>Settings</Title>
        <Text c="dimmed" mt={4}>
          {inOrganization ? 'Your organization, how this console looks and where it keeps its data.' : 'How this console looks and where it keeps its data.'}
        </Text>
      </div>
      {inOrganization && can('organization:read') && <OrganizationSettingsCard />}
      {inOrganization && can('billing:read') && <BillingProfileCard />}
      {inOrganization && (can('organization:transfer_ownership') || can('organization:delete')) && <OwnershipCard />}
      {inOrganization && can('organization:update') && <SmsChannelCard />}
      {inOrganization && can('organization:update') && <SmsRevocationReviewCard />}
      <PlatformCard />
      <ConnectionsCard />
      <SigningKeyCard showPublicKey />
      <AppearanceCard />
      <DatabaseCard />
    </Stack>
  );
}

function AppearanceCard() {
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <Card>
      <Group justify="space-between" wrap="wrap" gap="md">
        <div>
          <Title order={2} fz="md" id="theme-label">
            Theme
          </Title>
          <Text size="sm" c="dimmed">
            Light, dark, or whatever your system uses.
          </Text>
        </div>
        <SegmentedControl
          aria-labelledby="theme-label"
          value={colorScheme}
          onChange={(v) => setColorScheme(v as MantineColorScheme)}
          data={[
            { value: 'light', label: 'Light' },
            { value: 'dark', label: 'Dark' },
            { value: 'auto', label: 'System' },
          ]}
        />
      </Group>
    </Card>
  );
}

function DatabaseCard() {
  const trpc = useTRPC();
  const { canPlatform } = useAccess();
  const database = useQuery(trpc.settings.database.queryOptions());
  const canChange = canPlatform('platform:staff:manage');
  const d = database.data;

  return (
    <Card>
      <Title order={2} fz="md">
        Database
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Every console and server that shares a PostgreSQL database sees the same organizations and usage.
      </Text>
      {database.isError ? (
        <ErrorState error={database.error} onRetry={() => database.refetch()} />
      ) : !d ? (
        <Stack gap="xs">
          <Skeleton h={20} w="60%" />
          <Skeleton h={20} w="40%" />
          <Skeleton h={20} w="50%" />
        </Stack>
      ) : (
        <Stack gap="lg">
          <Table variant="vertical" layout="fixed" withTableBorder={false} verticalSpacing="sm">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={200}>In use</Table.Th>
                <Table.Td>
                  {d.kind === 'postgres' ? (
                    <Badge variant="light" color="teal">Shared PostgreSQL</Badge>
                  ) : (
                    <Badge variant="light" color="gray">Embedded (PGlite, on this computer)</Badge>
                  )}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Migrations applied</Table.Th>
                <Table.Td className="md-stat-value">{d.migrations}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Saved connection</Table.Th>
                <Table.Td>{d.savedUrl ? <Code>{d.savedUrl}</Code> : <Text size="sm" c="dimmed">None</Text>}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {d.fromEnvironment && (
            <Text size="sm" c="dimmed">
              <Code>DATABASE_URL</Code> is set in the environment; it takes precedence over a saved connection.
            </Text>
          )}
          {canChange ? (
            <SimpleGrid cols={1}>
              <Title order={3} fz="sm">
                Change the shared database
              </Title>
              <DatabaseConnectionForm canClear={!!d.savedUrl} />
            </SimpleGrid>
          ) : (
            <Text size="sm" c="dimmed">
              Only a super admin can change the database connection.
            </Text>
          )}
        </Stack>
      )}
    </Card>
  );
}
