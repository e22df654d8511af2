import { Accordion, Group, Loader, Paper, SimpleGrid, Stack, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconBuildingSkyscraper, IconDatabase, IconSparkles } from '@tabler/icons-react';
import { useId } from 'react';
import { DatabaseConnectionForm } from '../../components/DatabaseConnectionForm';
import { FormErrorAlert } from '../../components/FormErrorAlert';

/** Wizard step 1: start for real, or look around with a realistic demo dataset. */
export function ChoosePathStep({
  onSetUp,
  onDemo,
  demoPending,
  demoError,
}: {
  onSetUp: () => void;
  onDemo: () => void;
  demoPending: boolean;
  demoError: unknown;
}) {
  return (
    <Stack gap="lg">
      <FormErrorAlert error={demoError} />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <PathCard
          icon={<IconBuildingSkyscraper size={22} />}
          title="Set up my organization"
          description="Create the first account (the platform's super admin) and your organization."
          onClick={onSetUp}
          disabled={demoPending}
        />
        <PathCard
          icon={demoPending ? <Loader size={18} color="white" /> : <IconSparkles size={22} />}
          title="Explore with demo data"
          description={demoPending ? 'Loading three sample organizations…' : 'Three sample organizations with 40+ people, teams and every role.'}
          onClick={onDemo}
          disabled={demoPending}
          busy={demoPending}
        />
      </SimpleGrid>
      <Accordion variant="contained" radius="md" chevronPosition="right">
        <Accordion.Item value="database">
          <Accordion.Control icon={<IconDatabase size={18} />}>
            <Text size="sm" fw={500}>
              Use a shared PostgreSQL database
            </Text>
            <Text size="xs" c="dimmed">
              Optional. Without one, Meterdesk keeps its data in an embedded database on this computer.
            </Text>
          </Accordion.Control>
          <Accordion.Panel>
            <DatabaseConnectionForm />
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  );
}

/** A large choice; its accessible name is just the title, the description is read after it. */
function PathCard(props: { icon: React.ReactNode; title: string; description: string; onClick: () => void; disabled?: boolean; busy?: boolean }) {
  const id = useId();
  return (
    <UnstyledButton
      onClick={props.onClick}
      disabled={props.disabled}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
      aria-busy={props.busy || undefined}
      style={{ borderRadius: 'var(--mantine-radius-lg)', opacity: props.disabled && !props.busy ? 0.6 : 1 }}
    >
      <Paper withBorder p="lg" h="100%" className="md-path-card">
        <Stack gap="sm">
          <Group>
            <ThemeIcon size={40} radius="md" variant="gradient" gradient={{ from: 'brand.5', to: 'violet.6', deg: 135 }}>
              {props.icon}
            </ThemeIcon>
          </Group>
          <Text id={`${id}-title`} fw={650} fz="lg">
            {props.title}
          </Text>
          <Text id={`${id}-desc`} size="sm" c="dimmed">
            {props.description}
          </Text>
        </Stack>
      </Paper>
    </UnstyledButton>
  );
}
