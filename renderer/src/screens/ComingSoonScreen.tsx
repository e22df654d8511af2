import { EmptyState, Title } from '@mantine/core';
import { IconHourglassEmpty } from '@tabler/icons-react';

/** A tidy placeholder for sections whose screens are not built yet. */
export function ComingSoonScreen({ title, description, icon }: { title: string; description: string; icon?: React.ReactNode }) {
  return (
    <>
      <Title order={1} mb="xl">
        {title}
      </Title>
      <EmptyState
        py={64}
        variant="light"
        icon={icon ?? <IconHourglassEmpty size={26} />}
        title="Coming soon"
        description={description}
        style={{ border: '1px dashed var(--mantine-color-default-border)', borderRadius: 'var(--mantine-radius-lg)', background: 'var(--md-surface)' }}
      />
    </>
  );
}
