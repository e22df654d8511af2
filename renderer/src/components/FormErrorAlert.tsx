import { Alert } from '@mantine/core';
import { IconAlertCircle, IconClockPause, IconClockCheck } from '@tabler/icons-react';
import { errorMessage, retryAfterSecondsOf } from '../lib/errors';

/**
 * A form-level error from the server (wrong credentials, rate limits, conflicts). When the server
 * asked for a wait, the title counts it down so the message never goes stale.
 */
export function FormErrorAlert({ error, secondsLeft = 0 }: { error: unknown; secondsLeft?: number }) {
  if (!error) return null;
  const throttled = retryAfterSecondsOf(error) !== undefined;
  const waiting = throttled && secondsLeft > 0;
  return (
    <Alert
      role="alert"
      color={waiting ? 'orange' : throttled ? 'teal' : 'red'}
      variant="light"
      icon={waiting ? <IconClockPause size={18} /> : throttled ? <IconClockCheck size={18} /> : <IconAlertCircle size={18} />}
      title={waiting ? `You can try again in ${formatWait(secondsLeft)}` : throttled ? 'You can try again now' : undefined}
    >
      {errorMessage(error)}
    </Alert>
  );
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}
