// #/billing: the plan and its status, usage against the plan's limits, the plan comparison with
// upgrade/downgrade at a previewed amount, payment method, invoices, cancel/resume. Owners act
// (billing:manage); admins see. Checkout and the portal open outside the console (Stripe's pages);
// the screen polls the checkout until Stripe says it is complete.
import { Alert, Badge, Button, Card, Grid, Group, Loader, Progress, SimpleGrid, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCalendarEvent, IconCreditCard, IconExternalLink, IconPlugConnectedX, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorState } from '../../components/ErrorState';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatDate, formatNumber, plural } from '../../lib/format';
import { useAccess } from '../../lib/me';
import { navigate } from '../../lib/useHashRoute';
import { useTRPC } from '../../trpc';
import { meterColor, shareOfLimit, STATUS_META } from '../usage/usageDisplay';
import { checkoutReturn, formatMoney, openExternal, type BillingOverview } from './billingDisplay';
import { InvoicesCard } from './InvoicesCard';
import { OverageCard } from './OverageCard';
import { PlanComparison } from './PlanComparison';

export function BillingScreen() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.billing.overview.queryOptions());
  const checkout = useCheckoutWatch();

  return (
    <Stack gap="lg">
      <PageHeader
        title="Billing"
        description="Your plan, what it includes, how much of it you used, and your invoices."
        actions={
          <Button variant="default" leftSection={<IconRefresh size={16} />} loading={overview.isFetching && !overview.isPending} onClick={() => overview.refetch()}>
            Refresh
          </Button>
        }
      />
      {checkout.sessionId && (
        <Alert color="blue" variant="light" icon={<Loader size={18} />} title="Waiting for checkout to complete" data-testid="checkout-waiting">
          <Group justify="space-between" gap="sm">
            <Text size="sm">Finish the payment on Stripe’s page; this screen updates by itself as soon as Stripe confirms it.</Text>
            <Button size="xs" variant="default" onClick={checkout.stop}>
              Stop waiting
            </Button>
          </Group>
        </Alert>
      )}
      <FormErrorAlert error={checkout.error} />
      {overview.isError && !overview.data ? (
        <Card>
          <ErrorState error={overview.error} onRetry={() => overview.refetch()} title="Billing could not be loaded" />
        </Card>
      ) : !overview.data ? (
        <Stack gap="lg" aria-busy="true" aria-label="Loading billing">
          <Skeleton h={180} radius="lg" />
          <Skeleton h={320} radius="lg" />
        </Stack>
      ) : (
        <BillingContent overview={overview.data} onCheckoutStarted={checkout.watch} />
      )}
    </Stack>
  );
}

/** Polls checkoutStatus for the session being paid (started here, or named by Stripe's return URL). */
function useCheckoutWatch() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [sessionId, setSessionId] = useState<string | null>(() => checkoutReturn(window.location.hash)?.sessionId ?? null);
  const status = useMutation(trpc.billing.checkoutStatus.mutationOptions());
  const { mutateAsync } = status;
  useEffect(() => {
    const back = checkoutReturn(window.location.hash);
    if (back?.outcome === 'canceled') notifications.show({ message: 'Checkout was canceled: nothing was charged.', color: 'gray' });
    if (back) navigate('billing', { replace: true });
  }, []);
  useEffect(() => {
    if (!sessionId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const result = await mutateAsync({ sessionId });
        if (stopped) return;
        if (result.status === 'complete') {
          setSessionId(null);
          await queryClient.invalidateQueries();
          notifications.show({ title: 'Subscription active', message: 'Your new plan and its limits apply now.', color: 'teal' });
          return;
        }
        if (result.status === 'expired') {
          setSessionId(null);
          notifications.show({ message: 'The checkout expired before it was paid. Choose the plan again to start over.', color: 'orange' });
          return;
        }
      } catch {
        // Shown under the banner; polling goes on (a network blip must not lose the checkout).
        if (stopped) return;
      }
      timer = setTimeout(tick, 2_000);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [sessionId, mutateAsync, queryClient]);
  return { sessionId, watch: setSessionId, stop: () => setSessionId(null), error: sessionId ? null : status.error };
}

function BillingContent({ overview: o, onCheckoutStarted }: { overview: BillingOverview; onCheckoutStarted: (sessionId: string) => void }) {
  const { can } = useAccess();
  const manage = can('billing:manage');
  return (
    <>
      {!o.configured && (
        <Alert color="gray" variant="light" icon={<IconPlugConnectedX size={20} />} title="Payments are not set up on this server">
          <Text size="sm">Plans can be compared here, but buying or changing one needs Stripe: the server’s operator sets STRIPE_SECRET_KEY and restarts it.</Text>
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <CurrentPlanCard o={o} manage={manage} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <PaymentMethodCard o={o} manage={manage} />
        </Grid.Col>
      </Grid>
      <UsageCard o={o} />
      <PlanComparison overview={o} manage={manage} onCheckoutStarted={onCheckoutStarted} />
      <OverageCard />
      <InvoicesCard />
    </>
  );
}

function CurrentPlanCard({ o, manage }: { o: BillingOverview; manage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const done = () => queryClient.invalidateQueries();
  const cancel = useMutation(trpc.billing.cancel.mutationOptions({ onSuccess: () => (setConfirmCancel(false), done()) }));
  const resume = useMutation(trpc.billing.resume.mutationOptions({ onSuccess: done }));
  const status = STATUS_META[o.status];
  const catalog = o.plans.find((p) => p.key === o.plan.key);
  const price = o.interval ? catalog?.prices[o.interval] : null;
  return (
    <Card p="lg" h="100%" data-testid="current-plan">
      <Stack gap="md" h="100%">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text size="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.06em' }}>
              Current plan
            </Text>
            <Group gap="sm" mt={4}>
              <Title order={2} fz={28} data-testid="current-plan-name">
                {o.plan.name}
              </Title>
              <Badge color={status.color} variant="light" size="lg" data-testid="subscription-status">
                {status.label}
              </Badge>
            </Group>
            <Text c="dimmed" size="sm" mt={4}>
              {catalog?.description}
            </Text>
          </div>
          {price && (
            <div style={{ textAlign: 'right' }}>
              <Text fw={700} fz={24} className="md-stat-value">
                {formatMoney(price.amountMinor, price.currency, { compact: true })}
              </Text>
              <Text size="xs" c="dimmed">
                per {o.interval}
              </Text>
            </div>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <Fact label="Period" value={`${formatDate(o.periodStart)} – ${formatDate(o.periodEnd)}`} />
          <Fact label="Seats" value={`${o.seats.activeMembers} active${o.seats.included !== null ? ` · ${o.seats.included} included` : ''}${o.seats.extra ? ` · ${o.seats.extra} extra` : ''}`} />
          <Fact label="Usage past the allowance" value={o.plan.overagePolicy === 'bill' ? 'Billed per unit' : 'Blocked at the limit'} />
        </SimpleGrid>
        {o.trialDaysLeft !== null && (
          <Alert color="blue" variant="light" icon={<IconCalendarEvent size={18} />} py="xs">
            {o.trialDaysLeft === 0 ? 'Your trial ends today.' : `${plural(o.trialDaysLeft, 'day')} left in your trial.`} Add a payment method to keep going without a break.
          </Alert>
        )}
        {o.cancelAtPeriodEnd && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} py="xs" data-testid="cancel-notice">
            Your subscription ends on {formatDate(o.periodEnd)}. Until then everything works as today.
          </Alert>
        )}
        <FormErrorAlert error={resume.error} />
        {manage && o.hasSubscription && (
          <Group gap="sm" mt="auto">
            {o.cancelAtPeriodEnd ? (
              <Button variant="light" loading={resume.isPending} onClick={() => resume.mutate()}>
                Resume subscription
              </Button>
            ) : (
              <Button variant="subtle" color="red" onClick={() => setConfirmCancel(true)}>
                Cancel subscription
              </Button>
            )}
          </Group>
        )}
      </Stack>
      <ConfirmModal
        opened={confirmCancel}
        onClose={() => setConfirmCancel(false)}
        title="Cancel at the end of the period?"
        confirmLabel="Cancel subscription"
        color="red"
        pending={cancel.isPending}
        error={cancel.error}
        onConfirm={() => cancel.mutate()}
      >
        <Text size="sm">
          Your {o.plan.name} plan stays active until {formatDate(o.periodEnd)}. After that the organization keeps its history but cannot send. You can resume any time before then.
        </Text>
      </ConfirmModal>
    </Card>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600}>
        {value}
      </Text>
    </div>
  );
}

function PaymentMethodCard({ o, manage }: { o: BillingOverview; manage: boolean }) {
  const trpc = useTRPC();
  const portal = useMutation(trpc.billing.openPortal.mutationOptions({ onSuccess: ({ url }) => openExternal(url) }));
  const pm = o.paymentMethod;
  return (
    <Card p="lg" h="100%" data-testid="payment-method">
      <Stack gap="md" h="100%">
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" style={{ letterSpacing: '0.06em' }}>
          Payment method
        </Text>
        {pm ? (
          <Group gap="md" wrap="nowrap">
            <ThemeIcon size={48} radius="md" variant="light" color="brand">
              <IconCreditCard size={26} />
            </ThemeIcon>
            <div>
              <Text fw={650} tt="capitalize">
                {pm.brand} ···· {pm.last4}
              </Text>
              {pm.expMonth && pm.expYear && (
                <Text size="sm" c="dimmed">
                  Expires {String(pm.expMonth).padStart(2, '0')}/{pm.expYear}
                </Text>
              )}
            </div>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            No card on file yet. Choosing a paid plan asks for one on Stripe’s secure page.
          </Text>
        )}
        <FormErrorAlert error={portal.error} />
        {manage && o.hasCustomer && (
          <Group gap="sm" mt="auto">
            <Button variant="default" rightSection={<IconExternalLink size={14} />} loading={portal.isPending} onClick={() => portal.mutate({ flow: 'payment_method_update' })}>
              {pm ? 'Update' : 'Add a card'}
            </Button>
            <Button variant="subtle" rightSection={<IconExternalLink size={14} />} onClick={() => portal.mutate({ flow: 'overview' })}>
              Billing portal
            </Button>
          </Group>
        )}
        {!manage && (
          <Text size="xs" c="dimmed" mt="auto">
            Only owners can change the plan or the payment method.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

function UsageCard({ o }: { o: BillingOverview }) {
  const limited = o.usage.filter((m) => m.limit !== null || m.used > 0);
  return (
    <Card p="lg" data-testid="billing-usage">
      <Group justify="space-between" mb="md">
        <div>
          <Title order={2} fz="md">
            Usage this period
          </Title>
          <Text size="sm" c="dimmed">
            Against what the {o.plan.name} plan includes, {formatDate(o.periodStart)} – {formatDate(o.periodEnd)}.
          </Text>
        </div>
        <Button component="a" href="#/usage" variant="subtle" size="xs">
          All metrics
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg" verticalSpacing="md">
        {limited.slice(0, 9).map((m) => {
          const percent = shareOfLimit(m);
          return (
            <div key={m.metric} data-testid={`billing-usage-${m.metric}`} data-limit={m.limit ?? 'unlimited'}>
              <Group justify="space-between" gap="xs" mb={6} wrap="nowrap">
                <Text size="sm" fw={600}>
                  {m.label}
                </Text>
                <Text size="sm" c="dimmed" className="md-stat-value" style={{ whiteSpace: 'nowrap' }}>
                  {formatNumber(m.used)} / {m.limit === null ? '∞' : formatNumber(m.limit)}
                </Text>
              </Group>
              <Progress value={percent === null ? 0 : Math.min(100, percent)} color={percent === null ? 'gray' : meterColor(percent)} radius="xl" size="md" aria-label={`${m.label} used`} />
              <Text size="xs" c="dimmed" mt={4}>
                {m.remaining === null ? 'Unlimited' : `${formatNumber(m.remaining)} remaining`}
              </Text>
            </div>
          );
        })}
      </SimpleGrid>
    </Card>
  );
}
