// Shown wherever a send or a reservation is refused for quota: what was reached, and the two ways
// on — a bigger plan (Billing) or a word with sales. Reused by the Usage screen and SMS sends.
import { Button, Group, Modal, Progress, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconArrowUpRight, IconLock, IconMail } from '@tabler/icons-react';
import { formatNumber } from '../lib/format';
import { navigate } from '../lib/useHashRoute';

export const CONTACT_SALES_MAILTO = `mailto:sales@meterdesk.app?subject=${encodeURIComponent('Meterdesk: more volume')}`;

export interface PaywallModalProps {
  opened: boolean;
  onClose: () => void;
  /** "SMS sent" */
  metricLabel: string;
  used: number;
  limit: number;
  /** Whether the person may change the plan (billing:read shows the Billing page). */
  canUpgrade: boolean;
}

export function PaywallModal({ opened, onClose, metricLabel, used, limit, canUpgrade }: PaywallModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} centered radius="lg" size="md" withCloseButton={false} aria-labelledby="paywall-title" data-testid="paywall-modal">
      <Stack gap="md" align="center" ta="center" py="sm">
        <ThemeIcon size={56} radius="xl" variant="light" color="orange">
          <IconLock size={28} />
        </ThemeIcon>
        <Text id="paywall-title" fw={700} fz="lg">
          You reached your monthly limit ({formatNumber(used)}/{formatNumber(limit)}). Upgrade to continue.
        </Text>
        <Text size="sm" c="dimmed">
          {metricLabel} is capped by your plan this period. A bigger plan raises the limit at once; your history stays as it is.
        </Text>
        <Progress value={100} color="red" w="100%" size="md" radius="xl" aria-label={`${metricLabel}: ${used} of ${limit}`} />
        <Group justify="center" gap="sm" mt="xs">
          <Button component="a" href={CONTACT_SALES_MAILTO} variant="default" leftSection={<IconMail size={16} />}>
            Contact sales
          </Button>
          {canUpgrade ? (
            <Button
              data-autofocus
              rightSection={<IconArrowUpRight size={16} />}
              onClick={() => {
                onClose();
                navigate('billing');
              }}
            >
              Upgrade
            </Button>
          ) : (
            <Button onClick={onClose}>Ask an owner to upgrade</Button>
          )}
        </Group>
        <Button variant="subtle" size="xs" color="gray" onClick={onClose}>
          Not now
        </Button>
      </Stack>
    </Modal>
  );
}
