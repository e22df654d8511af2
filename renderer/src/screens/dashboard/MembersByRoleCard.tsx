import { Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { ORG_ROLES } from '../../../../server/permissions/permissions';
import { orgRoleLabel } from '../../lib/me';
import { ROLE_COLORS } from '../../lib/roles';

/** How the organization's members spread over roles, in the roles' own order (owner first). */
export function MembersByRoleCard({ byRole, total, title = 'Members by role' }: { byRole: Record<string, number>; total: number; title?: string }) {
  return (
    <Card>
      <Title order={2} fz="md" mb="md">
        {title}
      </Title>
      <Stack gap="sm">
        {ORG_ROLES.map((role) => {
          const count = byRole[role] ?? 0;
          return (
            <div key={role}>
              <Group justify="space-between" mb={4}>
                <Text size="sm">{orgRoleLabel(role)}</Text>
                <Text size="sm" fw={600} className="md-stat-value" c={count ? undefined : 'dimmed'}>
                  {count}
                </Text>
              </Group>
              <Progress
                value={total ? (count / total) * 100 : 0}
                color={ROLE_COLORS[role]}
                size="sm"
                radius="xl"
                aria-label={`${orgRoleLabel(role)}: ${count} of ${total}`}
              />
            </div>
          );
        })}
      </Stack>
    </Card>
  );
}
