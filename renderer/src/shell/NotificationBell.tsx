// The notification centre in the header, for every member: a bell with the unread count, and a
// drawer listing the newest notifications. Opening one marks it read and goes to the dashboard route
// it links to (a scope's usage); "Mark all read" clears the badge.
import { ActionIcon, Badge, Box, Button, Drawer, Group, Indicator, ScrollArea, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconBell, IconBellOff, IconChecks } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { formatDateTime, formatRelative } from '../lib/format';
import { useAccess } from '../lib/me';
import { useTRPC } from '../trpc';

export function NotificationBell() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me, can } = useAccess();
  const [opened, setOpened] = useState(false);
  const enabled = !!me.activeOrganization && can('organization:read');
  const unread = useQuery({ ...trpc.notifications.unreadCount.queryOptions(), enabled, refetchInterval: 15_000 });
  const list = useQuery({ ...trpc.notifications.list.queryOptions({ limit: 50 }), enabled: enabled && opened, refetchInterval: opened ? 15_000 : false });
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() })]);
  const markRead = useMutation(trpc.notifications.markRead.mutationOptions({ onSuccess: refresh }));
  if (!enabled) return null;
  const count = unread.data?.unread ?? 0;

  return (
    <>
      <Tooltip label={count ? `${count} unread notification${count === 1 ? '' : 's'}` : 'Notifications'}>
        <Indicator label={count > 99 ? '99+' : count} size={18} color="red" disabled={count === 0} offset={4} data-testid="notification-count" data-count={count}>
          <ActionIcon variant="subtle" color="gray" size="lg" radius="xl" aria-label={count ? `Notifications, ${count} unread` : 'Notifications'} onClick={() => setOpened(true)}>
            <IconBell size={20} stroke={1.7} />
          </ActionIcon>
        </Indicator>
      </Tooltip>
      <Drawer
        opened={opened}
        onClose={() => setOpened(false)}
        position="right"
        size="md"
        title={
          <Group gap="xs">
            <Text fw={650}>Notifications</Text>
            {count > 0 && (
              <Badge size="sm" color="red" variant="light">
                {count} unread
              </Badge>
            )}
          </Group>
        }
        scrollAreaComponent={ScrollArea.Autosize}
      >
        <Stack gap="sm">
          <Group justify="flex-end">
            <Button size="xs" variant="subtle" leftSection={<IconChecks size={14} />} disabled={count === 0} loading={markRead.isPending} onClick={() => markRead.mutate({ all: true })}>
              Mark all read
            </Button>
          </Group>
          {list.data && list.data.items.length === 0 && (
            <Stack align="center" gap={6} py="xl" c="dimmed">
              <IconBellOff size={28} />
              <Text size="sm">No notifications yet. Usage alerts and webhook problems appear here.</Text>
            </Stack>
          )}
          {list.data?.items.map((n) => (
            <UnstyledButton
              key={n.id}
              data-testid="notification-item"
              data-unread={!n.readAt}
              onClick={() => {
                if (!n.readAt) markRead.mutate({ ids: [n.id] });
                if (n.link) {
                  window.location.hash = `#/${n.link}`;
                  setOpened(false);
                }
              }}
              p="sm"
              style={{ borderRadius: 'var(--mantine-radius-md)', border: '1px solid var(--mantine-color-default-border)', background: n.readAt ? undefined : 'var(--mantine-color-blue-light)' }}
            >
              <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                <Box>
                  <Text size="sm" fw={n.readAt ? 500 : 650}>
                    {n.title}
                  </Text>
                  <Text size="sm" c="dimmed" mt={2}>
                    {n.body}
                  </Text>
                </Box>
                <Text size="xs" c="dimmed" title={formatDateTime(n.createdAt)} style={{ whiteSpace: 'nowrap' }}>
                  {formatRelative(n.createdAt)}
                </Text>
              </Group>
              {!n.readAt && (
                <Text size="xs" c="blue" mt={4} component="span">
                  Unread
                </Text>
              )}
            </UnstyledButton>
          ))}
        </Stack>
      </Drawer>
    </>
  );
}
