import { Group, Text, Title } from '@mantine/core';

/** A screen's title, a line saying what it is for, and its main actions on the right. */
export function PageHeader({ title, description, actions }: { title: string; description?: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" gap="md" wrap="wrap">
      <div style={{ minWidth: 0 }}>
        <Title order={1}>{title}</Title>
        {description && (
          <Text c="dimmed" mt={4}>
            {description}
          </Text>
        )}
      </div>
      {actions && (
        <Group gap="sm" wrap="wrap">
          {actions}
        </Group>
      )}
    </Group>
  );
}
