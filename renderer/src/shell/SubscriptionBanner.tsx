// Dunning in the shell, for every member: past_due (warning, sending paused), unpaid (error, pay to
// send again), canceled (read-only history), trialing (days left). The Billing call to action is
// shown to those the permission table lets see Billing.
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconCalendarEvent, IconCreditCard, IconLock } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { plural } from '../lib/format';
import { useAccess } from '../lib/me';
import { useHashRoute } from '../lib/useHashRoute';
import { useTRPC } from '../trpc';

export function SubscriptionBanner() {
  const trpc = useTRPC();
  const { me, can } = useAccess();
  const [route] = useHashRoute();
  const status = useQuery({ ...trpc.billing.accessStatus.queryOptions(), enabled: !!me.activeOrganization && can('organization:read'), refetchInterval: 60_000 });
  const s = status.data;
  // The Usage screen states a blocked account itself, in place.
  if (!s || s.suspended || (route === 'usage' && s.status !== 'trialing')) return null;
  const canBill = can('billing:read');
  const cta = canBill && route !== 'billing' && (
    <Button component="a" href="#/billing" size="xs" variant="white" color="dark" leftSection={<IconCreditCard size={14} />}>
      Go to Billing
    </Button>
  );
  const banner = (color: string, icon: React.ReactNode, title: string, text: string, action = cta) => (
    <Alert color={color} variant="light" icon={icon} mb="lg" role="status" title={title} data-testid="subscription-banner" data-status={s.status}>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Text size="sm">{text}</Text>
        {action}
      </Group>
    </Alert>
  );
  switch (s.status) {
    case 'past_due':
      return banner('orange', <IconAlertTriangle size={18} />, 'Payment is past due: sending is paused', canBill ? 'The latest invoice could not be charged. Update the payment method to send again; usage history stays available.' : 'The latest invoice could not be charged. An owner can settle it in Billing; usage history stays available.');
    case 'unpaid':
      return banner('red', <IconLock size={18} />, 'The subscription is unpaid: sending is blocked', canBill ? 'Pay the outstanding invoices in Billing to send again.' : 'Ask an owner to pay the outstanding invoices in Billing.');
    case 'canceled':
      return banner('gray', <IconLock size={18} />, 'The subscription has ended', 'Your history stays here, read-only. Choose a plan in Billing to send again.');
    case 'trialing':
      if (s.trialDaysLeft === null) return null;
      return banner('blue', <IconCalendarEvent size={18} />, s.trialDaysLeft === 0 ? 'Your trial ends today' : `${plural(s.trialDaysLeft, 'day')} left in your trial`, `You are trying the ${s.planName} plan. Choose a plan to keep going without a break.`);
    default:
      return null;
  }
}
