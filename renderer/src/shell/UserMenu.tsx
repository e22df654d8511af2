import { Avatar, Badge, Box, Group, Menu, Text, UnstyledButton, useMantineColorScheme, type MantineColorScheme } from '@mantine/core';
import { IconCheck, IconChevronDown, IconDeviceDesktop, IconKeyboard, IconLogout, IconLogout2, IconMoon, IconSun, IconUserShield } from '@tabler/icons-react';
import { navigate } from '../lib/useHashRoute';
import { useAccess } from '../lib/me';
import { useSignOut } from '../lib/useSignOut';

const THEMES: { value: MantineColorScheme; label: string; icon: React.ReactNode }[] = [
  { value: 'light', label: 'Light', icon: <IconSun size={16} /> },
  { value: 'dark', label: 'Dark', icon: <IconMoon size={16} /> },
  { value: 'auto', label: 'Match system', icon: <IconDeviceDesktop size={16} /> },
];

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase() || '?';
}

/** Who is signed in, the theme, and the ways out. */
export function UserMenu() {
  const { me, orgRoleLabel, platformRoleLabel } = useAccess();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const { signOut, signOutEverywhere } = useSignOut();
  const busy = signOut.isPending || signOutEverywhere.isPending;

  return (
    <Menu position="bottom-end" width={272} shadow="md" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label="Account menu" style={{ borderRadius: 'var(--mantine-radius-xl)' }} p={4} pr={8}>
          <Group gap={8} wrap="nowrap">
            <Avatar radius="xl" size={32} color="brand" variant="filled">
              {initials(me.user.name)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" maw={160} truncate>
              {me.user.name}
            </Text>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Box px="sm" py="xs">
          <Text fw={600} size="sm" truncate>
            {me.user.name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            {me.user.email}
          </Text>
          <Group gap={6} mt={8}>
            {orgRoleLabel && (
              <Badge size="sm" variant="light">
                {orgRoleLabel}
                {me.activeOrganization ? ` · ${me.activeOrganization.name}` : ''}
              </Badge>
            )}
            {platformRoleLabel && (
              <Badge size="sm" variant="outline" color="grape">
                {platformRoleLabel}
              </Badge>
            )}
          </Group>
        </Box>
        <Menu.Divider />
        <Menu.Label>Theme</Menu.Label>
        {THEMES.map((t) => (
          <Menu.Item
            key={t.value}
            role="menuitemradio"
            aria-checked={colorScheme === t.value}
            leftSection={t.icon}
            rightSection={colorScheme === t.value ? <IconCheck size={14} /> : null}
            closeMenuOnClick={false}
            onClick={() => setColorScheme(t.value)}
          >
            {t.label}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Menu.Item leftSection={<IconUserShield size={16} />} onClick={() => navigate('account')}>
          Password and sessions
        </Menu.Item>
        <Menu.Item leftSection={<IconKeyboard size={16} />} onClick={() => navigate('shortcuts')}>
          Keyboard shortcuts
        </Menu.Item>
        <Menu.Item leftSection={<IconLogout size={16} />} disabled={busy} onClick={() => signOut.mutate()}>
          Sign out
        </Menu.Item>
        <Menu.Item color="red" leftSection={<IconLogout2 size={16} />} disabled={busy} onClick={() => signOutEverywhere.mutate()}>
          Sign out everywhere
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
