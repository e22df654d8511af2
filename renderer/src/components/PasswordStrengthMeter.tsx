import { Group, Progress, Text } from '@mantine/core';
import { passwordStrength } from '../lib/passwordStrength';

/** Shown under a new password: how strong it looks, and the rule the server applies. */
export function PasswordStrengthMeter({ password }: { password: string }) {
  const strength = passwordStrength(password);
  return (
    <div>
      <Progress value={password ? strength.score : 0} color={strength.color} size={4} radius="xl" aria-hidden transitionDuration={150} />
      <Group justify="space-between" mt={6} gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed">
          At least 10 characters, mixing letters with digits or symbols.
        </Text>
        {password && (
          <Text size="xs" fw={600} c={strength.color} aria-live="polite" style={{ whiteSpace: 'nowrap' }}>
            {strength.label}
          </Text>
        )}
      </Group>
    </div>
  );
}
