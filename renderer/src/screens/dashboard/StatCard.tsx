import { Card, Group, Skeleton, Text, ThemeIcon } from '@mantine/core';

/** One number worth seeing first; a skeleton of the same size while it loads. */
export function StatCard({ label, value, hint, icon, color = 'brand' }: { label: string; value: number | undefined; hint: string; icon: React.ReactNode; color?: string }) {
  return (
    <Card>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="sm" c="dimmed" fw={500}>
            {label}
          </Text>
          {value === undefined ? (
            <Skeleton h={36} w={64} mt={6} aria-label={`Loading ${label.toLowerCase()}`} />
          ) : (
            <Text fz={34} fw={700} lh={1.2} mt={2} className="md-stat-value">
              {value.toLocaleString()}
            </Text>
          )}
        </div>
        <ThemeIcon size={40} radius="md" variant="light" color={color} aria-hidden>
          {icon}
        </ThemeIcon>
      </Group>
      <Text size="xs" c="dimmed" mt="sm">
        {hint}
      </Text>
    </Card>
  );
}
