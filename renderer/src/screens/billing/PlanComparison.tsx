// The plans side by side, monthly or yearly. Without a subscription a plan opens Stripe Checkout;
// with one, the change is previewed (the amount due now, from Stripe) and confirmed. Enterprise is
// sold by contact.
import { Badge, Button, Card, Divider, Group, List, Modal, SegmentedControl, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { IconCheck, IconExternalLink, IconMail } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { formatDate, formatNumber } from '../../lib/format';
import { useTRPC } from '../../trpc';
import { CONTACT_SALES_URL, formatMoney, openExternal, type BillingOverview, type CatalogPlan, type Interval } from './billingDisplay';

const ORDER = ['free', 'starter', 'growth', 'pro', 'enterprise'];

export function PlanComparison({ overview: o, manage, onCheckoutStarted }: { overview: BillingOverview; manage: boolean; onCheckoutStarted: (sessionId: string) => void }) {
  const trpc = useTRPC();
  const [interval, setInterval] = useState<Interval>(o.interval ?? 'month');
  const [changing, setChanging] = useState<CatalogPlan | null>(null);
  const checkout = useMutation(
    trpc.billing.startCheckout.mutationOptions({
      onSuccess: ({ url, sessionId }) => {
        onCheckoutStarted(sessionId);
        openExternal(url);
      },
    }),
  );
  const currentRank = ORDER.indexOf(o.plan.key);

  return (
    <Card p="lg" data-testid="plan-comparison">
      <Group justify="space-between" mb="md" wrap="wrap">
        <div>
          <Title order={2} fz="md">
            Plans
          </Title>
          <Text size="sm" c="dimmed">
            Yearly billing: two months free.
          </Text>
        </div>
        <SegmentedControl
          value={interval}
          onChange={(v) => setInterval(v as Interval)}
          data={[
            { value: 'month', label: 'Monthly' },
            { value: 'year', label: 'Yearly' },
          ]}
          aria-label="Billing interval"
        />
      </Group>
      <FormErrorAlert error={checkout.error} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="md" mt={checkout.error ? 'md' : 0}>
        {o.plans.map((plan) => {
          const price = plan.prices[interval];
          const current = plan.key === o.plan.key && (!o.interval || o.interval === interval || !price);
          const rank = ORDER.indexOf(plan.key);
          const recommended = plan.key === 'growth';
          return (
            <Card
              key={plan.key}
              withBorder
              radius="md"
              p="md"
              data-testid={`plan-${plan.key}`}
              style={{ borderColor: current ? 'var(--mantine-color-brand-filled)' : recommended ? 'var(--mantine-color-brand-light-color)' : undefined, borderWidth: current ? 2 : 1 }}
            >
              <Stack gap="sm" h="100%">
                <Group justify="space-between" gap={4}>
                  <Text fw={700}>{plan.name}</Text>
                  {current ? (
                    <Badge size="sm" variant="filled">
                      Current
                    </Badge>
                  ) : recommended ? (
                    <Badge size="sm" variant="light">
                      Popular
                    </Badge>
                  ) : null}
                </Group>
                <div>
                  {plan.key === 'enterprise' ? (
                    <Text fw={700} fz={22}>
                      Custom
                    </Text>
                  ) : (
                    <Group gap={4} align="baseline">
                      <Text fw={700} fz={22} className="md-stat-value">
                        {price ? formatMoney(price.amountMinor, price.currency, { compact: true }) : '$0'}
                      </Text>
                      <Text size="xs" c="dimmed">
                        / {interval}
                      </Text>
                    </Group>
                  )}
                  <Text size="xs" c="dimmed" mih={32}>
                    {plan.description}
                  </Text>
                </div>
                <Divider />
                <List spacing={4} size="xs" icon={<IconCheck size={14} color="var(--mantine-color-teal-6)" />}>
                  {plan.highlights.map((h) => (
                    <List.Item key={h.metric}>
                      {h.included === null ? 'Unlimited' : formatNumber(h.included)} {h.label.toLowerCase()}
                    </List.Item>
                  ))}
                  <List.Item>{plan.includedSeats === null ? 'Unlimited seats' : `${plan.includedSeats} seat${plan.includedSeats === 1 ? '' : 's'} included`}</List.Item>
                  <List.Item>{plan.overagePolicy === 'bill' ? 'Overage billed, never blocked' : 'Hard cap at the limit'}</List.Item>
                </List>
                <div style={{ marginTop: 'auto' }}>
                  {plan.key === 'enterprise' ? (
                    <Button fullWidth variant="default" component="a" href={CONTACT_SALES_URL} leftSection={<IconMail size={14} />}>
                      Contact sales
                    </Button>
                  ) : current ? (
                    <Button fullWidth variant="light" disabled>
                      Your plan
                    </Button>
                  ) : !manage || !o.configured || !price ? (
                    <Button fullWidth variant="default" disabled title={!manage ? 'Only owners can change the plan' : undefined}>
                      {!price ? 'Free forever' : rank > currentRank ? 'Upgrade' : 'Downgrade'}
                    </Button>
                  ) : o.hasSubscription ? (
                    <Button fullWidth variant={rank > currentRank ? 'filled' : 'default'} onClick={() => setChanging(plan)}>
                      {rank > currentRank ? 'Upgrade' : rank < currentRank ? 'Downgrade' : `Switch to ${interval === 'year' ? 'yearly' : 'monthly'}`}
                    </Button>
                  ) : (
                    <Button
                      fullWidth
                      variant={recommended ? 'filled' : 'light'}
                      rightSection={<IconExternalLink size={14} />}
                      loading={checkout.isPending && checkout.variables?.planKey === plan.key}
                      onClick={() => checkout.mutate({ planKey: plan.key, interval })}
                    >
                      {rank > currentRank ? 'Upgrade' : 'Choose'}
                    </Button>
                  )}
                </div>
              </Stack>
            </Card>
          );
        })}
      </SimpleGrid>
      {changing && <ChangePlanModal plan={changing} interval={interval} upgrade={ORDER.indexOf(changing.key) > currentRank} periodEnd={o.periodEnd} onClose={() => setChanging(null)} />}
    </Card>
  );
}

function ChangePlanModal({ plan, interval, upgrade, periodEnd, onClose }: { plan: CatalogPlan; interval: Interval; upgrade: boolean; periodEnd: Date; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [when, setWhen] = useState<'now' | 'period_end'>(upgrade ? 'now' : 'period_end');
  const preview = useQuery({ ...trpc.billing.previewChange.queryOptions({ planKey: plan.key, interval }), staleTime: 0, gcTime: 0, retry: false });
  const change = useMutation(
    trpc.billing.changePlan.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        onClose();
      },
    }),
  );
  const p = preview.data;
  return (
    <Modal opened onClose={onClose} centered radius="lg" size="lg" title={<Text fw={700}>{`${upgrade ? 'Upgrade' : 'Change'} to ${plan.name}`}</Text>} data-testid="change-plan-modal">
      <Stack gap="md">
        <SegmentedControl
          value={when}
          onChange={(v) => setWhen(v as 'now' | 'period_end')}
          data={[
            { value: 'now', label: 'Now, prorated' },
            { value: 'period_end', label: `At period end (${formatDate(periodEnd)})` },
          ]}
        />
        <FormErrorAlert error={preview.error ?? change.error} />
        {when === 'now' ? (
          !p ? (
            preview.isPending ? <Skeleton h={120} /> : null
          ) : (
            <>
              <Table verticalSpacing={6} fz="sm">
                <Table.Tbody>
                  {p.lines.map((l, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{l.description}</Table.Td>
                      <Table.Td ta="right" className="md-stat-value">
                        {formatMoney(l.amountMinor, p.currency)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Group justify="space-between" p="md" style={{ background: 'var(--mantine-color-default-hover)', borderRadius: 'var(--mantine-radius-md)' }}>
                <Text fw={600}>Charged now</Text>
                <Text fw={700} fz="xl" className="md-stat-value" data-testid="preview-amount">
                  {formatMoney(p.amountDueMinor, p.currency)}
                </Text>
              </Group>
              {p.totalMinor < 0 && (
                <Text size="xs" c="dimmed">
                  The unused time leaves a credit of {formatMoney(-p.totalMinor, p.currency)}, used on your next invoices.
                </Text>
              )}
            </>
          )
        ) : (
          <Text size="sm">
            You keep your current plan until {formatDate(periodEnd)}; {plan.name} starts then and is billed from that day. Nothing is charged now.
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={change.isPending}>
            Cancel
          </Button>
          <Button
            loading={change.isPending}
            disabled={when === 'now' && !p}
            onClick={() => change.mutate({ planKey: plan.key, interval, when, prorationDate: when === 'now' ? p?.prorationDate : undefined })}
            data-autofocus
          >
            {when === 'now' && p ? `Confirm and pay ${formatMoney(p.amountDueMinor, p.currency)}` : 'Confirm change'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
