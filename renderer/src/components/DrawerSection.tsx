import { Divider, Text, Title } from '@mantine/core';

/** A part of a detail drawer, set off by a rule; untitled when its one field already says what it is. */
export function DrawerSection({ title, hint, children }: { title?: string; hint?: string; children: React.ReactNode }) {
  return (
    <section>
      <Divider mb="md" />
      {title && (
        <Title order={3} fz="sm" mb={hint ? 2 : 'xs'}>
          {title}
        </Title>
      )}
      {hint && (
        <Text size="xs" c="dimmed" mb="sm">
          {hint}
        </Text>
      )}
      {children}
    </section>
  );
}
