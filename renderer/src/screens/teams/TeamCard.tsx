// One team at a glance. The team's name is the card's button (its accessible name); the whole card
// is clickable through it.
import { Badge, Card, Group, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconArchive, IconUsersGroup } from '@tabler/icons-react';
import { formatNumber, plural } from '../../lib/format';
import { metricLabel } from '../../lib/metrics';
import type { Team } from './types';

export function TeamCard({ team, onOpen }: { team: Team; onOpen: () => void }) {
  const archived = !!team.archivedAt;
  const budgets = team.budgets.slice(0, 3);
  return (
    <Card className="md-team-card" data-archived={archived || undefined} h="100%">
      <Stack gap="sm" h="100%">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <ThemeIcon size={38} radius="md" variant="light" color={archived ? 'gray' : 'violet'} aria-hidden>
              {archived ? <IconArchive size={20} /> : <IconUsersGroup size={20} />}
            </ThemeIcon>
            <div style={{ minWidth: 0 }}>
              <UnstyledButton className="md-stretched-link" onClick={onOpen} fw={650} fz="md" lh={1.3}>
                {team.name}
              </UnstyledButton>
              <Text size="xs" c="dimmed">
                {plural(team.memberCount, 'member')}
              </Text>
            </div>
          </Group>
          <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
            {team.managedByMe && (
              <Badge size="sm" variant="light" color="teal">
                You manage
              </Badge>
            )}
            {archived && (
              <Badge size="sm" variant="light" color="gray">
                Archived
              </Badge>
            )}
          </Group>
        </Group>
        <div>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.05em' }}>
            Managers
          </Text>
          <Text size="sm" lineClamp={1} c={team.managers.length ? undefined : 'dimmed'}>
            {team.managers.length ? team.managers.join(', ') : 'No manager yet'}
          </Text>
        </div>
        <div style={{ marginTop: 'auto' }}>
          <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.05em' }} mb={4}>
            Monthly budgets
          </Text>
          {budgets.length === 0 ? (
            <Text size="sm" c="dimmed">
              None: shares the organization’s quota
            </Text>
          ) : (
            <Group gap={6}>
              {budgets.map((b) => (
                <Badge key={b.metric} variant="default" radius="sm" fw={500} tt="none">
                  {metricLabel(b.metric)}: {formatNumber(b.limit)}
                </Badge>
              ))}
              {team.budgets.length > budgets.length && (
                <Badge variant="light" color="gray" radius="sm">
                  +{team.budgets.length - budgets.length}
                </Badge>
              )}
            </Group>
          )}
        </div>
      </Stack>
    </Card>
  );
}
