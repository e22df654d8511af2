import { Anchor, Badge, Card, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useAccess, type Access } from '../../lib/me';

interface Step {
  title: string;
  description: string;
  route: string;
  done?: boolean;
}

/** Suggestions that fit the user's role: an owner is told to invite people, a guest is not. */
function stepsFor(access: Access, memberCount?: number, teamCount?: number): Step[] {
  const steps: Step[] = [];
  if (access.can('members:manage')) {
    steps.push({ title: 'Invite your team', description: 'Add colleagues and give each the role they need.', route: 'members', done: (memberCount ?? 0) > 1 });
  }
  if (access.can('teams:manage')) {
    steps.push({ title: 'Organize people into teams', description: 'Teams get their own managers, budgets and limits.', route: 'teams', done: (teamCount ?? 0) > 0 });
  }
  if (access.can('usage:read')) {
    steps.push({ title: 'Watch usage and set limits', description: 'See messages, calls and AI queries as they are used.', route: 'usage' });
  }
  if (access.can('billing:read')) {
    steps.push({ title: 'Review your plan', description: 'Plan, invoices and prepaid credits in one place.', route: 'billing' });
  }
  steps.push({ title: 'Make Meterdesk yours', description: 'Choose a theme and check which database this console uses.', route: 'settings' });
  return steps;
}

export function NextStepsCard({ memberCount, teamCount }: { memberCount?: number; teamCount?: number }) {
  const access = useAccess();
  const steps = stepsFor(access, memberCount, teamCount);
  return (
    <Card h="100%">
      <Title order={2} fz="md">
        Next steps
      </Title>
      <Text size="sm" c="dimmed" mb="lg">
        A few things worth doing first.
      </Text>
      <Stack gap="md" component="ol" m={0} p={0} style={{ listStyle: 'none' }}>
        {steps.map((step, index) => (
          <Group key={step.route} component="li" align="flex-start" wrap="nowrap" gap="sm">
            <ThemeIcon size={28} radius="xl" variant={step.done ? 'filled' : 'light'} color={step.done ? 'teal' : 'brand'} aria-hidden>
              {step.done ? <IconCheck size={16} /> : <Text size="xs" fw={700}>{index + 1}</Text>}
            </ThemeIcon>
            <div style={{ minWidth: 0 }}>
              <Group gap={6}>
                <Anchor href={`#/${step.route}`} fw={600} size="sm" c={step.done ? 'dimmed' : 'var(--mantine-color-text)'} underline="hover" td={step.done ? 'line-through' : undefined}>
                  {step.title}
                </Anchor>
                {step.done && (
                  <Badge size="xs" color="teal" variant="light">
                    Done
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed">
                {step.description}
              </Text>
            </div>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
