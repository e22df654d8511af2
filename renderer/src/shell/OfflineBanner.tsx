// Shown over every screen while the database (or the server) cannot be reached: what is wrong, that
// Meterdesk reconnects by itself (and when it tries next), and that typed input is kept.
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconPlugConnectedX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { retryNow, useConnectivity } from '../lib/connectivity';

export function OfflineBanner() {
  const c = useConnectivity();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!c.offline) return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [c.offline]);
  if (!c.offline) return null;
  const seconds = Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000));
  return (
    <div className="md-offline-banner">
      <Alert
        color="orange"
        variant="filled"
        role="alert"
        icon={<IconPlugConnectedX size={18} />}
        title={c.reason === 'database' ? 'The shared database cannot be reached' : 'Meterdesk cannot reach its server'}
        data-testid="offline-banner"
        data-reason={c.reason}
      >
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Text size="sm">
            Reconnecting automatically{seconds > 0 ? ` (next try in ${seconds} s)` : '…'}. What you typed stays in place: send it again once this notice is gone.
          </Text>
          <Button size="xs" variant="white" color="dark" onClick={() => void retryNow()}>
            Try now
          </Button>
        </Group>
      </Alert>
    </div>
  );
}
