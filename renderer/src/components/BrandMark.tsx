import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconGauge } from '@tabler/icons-react';

/** The logo: a meter in the accent gradient, then the name. */
export function BrandMark({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const large = size === 'lg';
  return (
    <Group gap={large ? 12 : 10} wrap="nowrap">
      <ThemeIcon size={large ? 40 : 32} radius="md" variant="gradient" gradient={{ from: 'brand.5', to: 'violet.6', deg: 135 }} aria-hidden>
        <IconGauge size={large ? 24 : 20} stroke={2} />
      </ThemeIcon>
      <Text fw={700} fz={large ? 24 : 18} lh={1} style={{ letterSpacing: '-0.02em' }}>
        Meterdesk
      </Text>
    </Group>
  );
}
