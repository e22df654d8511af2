import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { BrandMark } from './BrandMark';

/** The frame of every signed-out screen: brand on top, one focused card, a quiet footer. */
export function AuthLayout({ title, subtitle, width = 440, children }: { title: string; subtitle?: React.ReactNode; width?: number; children: React.ReactNode }) {
  return (
    <Center className="md-auth-bg" px="md" py={48}>
      <Stack w="100%" maw={width} gap="xl">
        <Center>
          <BrandMark size="lg" />
        </Center>
        <Paper component="main" p={{ base: 'lg', sm: 32 }} shadow="sm" withBorder bg="var(--md-surface)">
          <Stack gap={4} mb="lg">
            <Title order={1} fz={24}>
              {title}
            </Title>
            {subtitle && (
              <Text c="dimmed" size="sm">
                {subtitle}
              </Text>
            )}
          </Stack>
          {children}
        </Paper>
        <Text ta="center" size="xs" c="dimmed">
          Members, usage and billing for message-priced SaaS.
        </Text>
      </Stack>
    </Center>
  );
}
