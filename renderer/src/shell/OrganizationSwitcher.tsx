// Which organization the console acts in. Switching changes the session's active organization on the
// server, so every cached query is refetched for the new one.
import { Avatar, Group, Menu, Paper, Text, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconSelector, IconShieldLock } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../lib/errors';
import { orgRoleLabel, useAccess } from '../lib/me';
import { useTRPC } from '../trpc';
import { initials } from './UserMenu';

/** `compact`: the sidebar's icon rail — the avatar alone, the menu opening beside it. */
export function OrganizationSwitcher({ onSwitched, compact = false }: { onSwitched?: () => void; compact?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me, platformRoleLabel } = useAccess();
  const active = me.activeOrganization;

  const switchOrg = useMutation(
    trpc.organization.switch.mutationOptions({
      onSuccess: async (_data, { organizationId }) => {
        await queryClient.invalidateQueries();
        const name = me.organizations.find((o) => o.id === organizationId)?.name;
        notifications.show({ message: `Now working in ${name ?? 'the selected organization'}.`, color: 'brand' });
        onSwitched?.();
      },
      onError: (error) => notifications.show({ title: 'Could not switch organization', message: errorMessage(error), color: 'red' }),
    }),
  );

  if (!active) {
    return (
      <Paper withBorder p={compact ? 6 : 'sm'} radius="md" bg="var(--md-canvas)" title={compact ? 'No organization' : undefined}>
        <Group gap="sm" wrap="nowrap" className={compact ? 'md-compact-hide-text' : undefined}>
          <Avatar radius="md" size={36} color="grape" variant="light">
            <IconShieldLock size={18} />
          </Avatar>
          <div style={{ minWidth: 0 }}>
            <Text size="sm" fw={600} truncate>
              No organization
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {platformRoleLabel ? `Platform ${platformRoleLabel.toLowerCase()}` : 'Not a member anywhere yet'}
            </Text>
          </div>
        </Group>
      </Paper>
    );
  }

  return (
    <Menu position={compact ? 'right-start' : 'bottom-start'} width={compact ? 260 : 'target'} shadow="md">
      <Menu.Target>
        <UnstyledButton
          aria-label={`Organization: ${active.name}. Switch organization`}
          w="100%"
          p={compact ? 6 : 'sm'}
          title={compact ? `${active.name} (${orgRoleLabel(active.role)})` : undefined}
          style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px solid var(--mantine-color-default-border)', background: 'var(--md-canvas)' }}
          disabled={switchOrg.isPending}
        >
          <Group gap="sm" wrap="nowrap" justify={compact ? 'center' : undefined} className={compact ? 'md-compact-hide-text' : undefined}>
            <Avatar radius="md" size={36} color="brand" variant="light">
              {initials(active.name)}
            </Avatar>
            <div style={{ flex: 1, minWidth: 0 }}>
              <Text size="sm" fw={600} lh={1.3} lineClamp={2} title={active.name}>
                {active.name}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {orgRoleLabel(active.role)}
              </Text>
            </div>
            <IconSelector size={16} aria-hidden style={{ flexShrink: 0, opacity: 0.6 }} />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Your organizations</Menu.Label>
        {me.organizations.map((org) => (
          <Menu.Item
            key={org.id}
            role="menuitemradio"
            aria-checked={org.id === active.id}
            leftSection={
              <Avatar radius="sm" size={24} color="brand" variant="light">
                {initials(org.name)}
              </Avatar>
            }
            rightSection={org.id === active.id ? <IconCheck size={14} /> : null}
            onClick={() => org.id !== active.id && switchOrg.mutate({ organizationId: org.id })}
          >
            <Text size="sm" truncate>
              {org.name}
            </Text>
            <Text size="xs" c="dimmed">
              {orgRoleLabel(org.role)}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
