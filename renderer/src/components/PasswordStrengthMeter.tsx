import { Group, Progress, Text } from '@mantine/core';
import { useDeferredValue } from 'react';
import { usePasswordStrength } from '../lib/passwordStrength';

/**
 * Shown under a new password: the estimator's verdict and its advice, and the rule the server
 * applies. `userInputs` (email, name, organization) make a password built from them weak.
 */
export function PasswordStrengthMeter({ password, userInputs = [] }: { password: string; userInputs?: (string | null | undefined)[] }) {
  // Estimating is quick, but never worth delaying a keystroke for.
  const deferred = useDeferredValue(password);
  const strength = usePasswordStrength(deferred, userInputs);
  return (
    <div>
      <Progress value={deferred ? strength.score : 0} color={strength.color} size={4} radius="xl" aria-hidden transitionDuration={150} />
      <Group justify="space-between" mt={6} gap="xs" wrap="nowrap" align="flex-start">
        <Text size="xs" c="dimmed" data-testid="password-feedback">
          {deferred && strength.feedback ? strength.feedback : 'At least 10 characters and hard to guess: a few unrelated words work well.'}
        </Text>
        {deferred && (
          <Text size="xs" fw={600} c={strength.color} aria-live="polite" style={{ whiteSpace: 'nowrap' }}>
            {strength.label}
          </Text>
        )}
      </Group>
    </div>
  );
}
