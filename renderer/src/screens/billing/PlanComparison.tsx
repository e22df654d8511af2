// The plans side by side, monthly or yearly. Without a subscription a plan opens Stripe Checkout;
// with one, the change is previewed (the amount due now, from Stripe) and confirmed. Enterprise is
// sold by contact.
import { Badge, Button, Card, Group, Modal, SegmentedControl, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
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
  const isCurrent = (plan: CatalogPlan) => plan.key === o.plan.key && (!o.interval || o.interval === interval || !plan.prices[interval]);

  function planAction(plan: CatalogPlan) {
    const price = plan.prices[interval];
    const rank = ORDER.indexOf(plan.key);
    if (plan.key === 'enterprise') {
      return (
        <Button fullWidth size="xs" variant="default" component="a" href={CONTACT_SALES_URL} leftSection={<IconMail size={14} />}>
          Contact sales
        </Button>
      );
    }
    if (isCurrent(plan)) {
      return (
        <Button fullWidth size="xs" variant="light" disabled>
          Your plan
        </Button>
      );
    }
    if (!manage || !o.configured || !price) {
      return (
        <Button fullWidth size="xs" variant="default" disabled title={!manage ? 'Only owners can change the plan' : !o.configured ? 'Payments are not set up on this server' : undefined}>
          {!price ? 'Free' : rank > currentRank ? 'Upgrade' : 'Downgrade'}
        </Button>
      );
    }
    if (o.hasSubscription) {
      return (
        <Button fullWidth size="xs" variant={rank > currentRank ? 'filled' : 'default'} onClick={() => setChanging(plan)}>
          {rank > currentRank ? 'Upgrade' : rank < currentRank ? 'Downgrade' : interval === 'year' ? 'Go yearly' : 'Go monthly'}
        </Button>
      );
    }
    return (
      <Button
        fullWidth
        size="xs"
        variant={rank > currentRank ? 'filled' : 'default'}
        rightSection={<IconExternalLink size={12} />}
        loading={checkout.isPending && checkout.variables?.planKey === plan.key}
        onClick={() => checkout.mutate({ planKey: plan.key, interval })}
      >
        {rank > currentRank ? 'Upgrade' : 'Choose'}
      </Button>
    );
  }

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
      <Table.ScrollContainer minWidth={760} mt={checkout.error ? 'md' : 0}>
        <Table className="md-plan-table" verticalSpacing={8} horizontalSpacing="sm" aria-label="Plan comparison">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={170} />
              {o.plans.map((plan) => {
                const price = plan.prices[interval];
                return (
                  <Table.Th key={plan.key} data-current={isCurrent(plan) || undefined} style={{ verticalAlign: 'top' }}>
                    <Group gap={6} wrap="wrap">
                      <Text fw={700}>{plan.name}</Text>
                      {isCurrent(plan) ? (
                        <Badge size="xs" variant="filled">
                          Current
                        </Badge>
                      ) : plan.key === 'growth' ? (
                        <Badge size="xs" variant="light">
                          Popular
                        </Badge>
                      ) : null}
                    </Group>
                    <Group gap={4} align="baseline" mt={4} wrap="nowrap">
                      <Text fw={750} fz={22} className="md-stat-value">
                        {plan.key === 'enterprise' ? 'Custom' : price ? formatMoney(price.amountMinor, price.currency, { compact: true }) : '$0'}
                      </Text>
                      {plan.key !== 'enterprise' && (
                        <Text size="xs" c="dimmed">
                          / {interval}
                        </Text>
                      )}
                    </Group>
                    <Text size="xs" c="dimmed" fw={400} lineClamp={2} title={plan.description}>
                      {plan.description}
                    </Text>
                  </Table.Th>
                );
              })}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {o.plans[0]!.highlights.map((h, row) => (
              <Table.Tr key={h.metric}>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {h.label}
                  </Text>
                </Table.Td>
                {o.plans.map((plan) => (
                  <Table.Td key={plan.key} data-current={isCurrent(plan) || undefined}>
                    <Text size="sm" fw={600} className="md-stat-value">
                      {plan.highlights[row]!.included === null ? 'Unlimited' : formatNumber(plan.highlights[row]!.included!)}
                    </Text>
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  Seats included
                </Text>
              </Table.Td>
              {o.plans.map((plan) => (
                <Table.Td key={plan.key} data-current={isCurrent(plan) || undefined}>
                  <Text size="sm" fw={600}>
                    {plan.includedSeats === null ? 'Unlimited' : plan.includedSeats}
                  </Text>
                </Table.Td>
              ))}
            </Table.Tr>
            <Table.Tr>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  Past the allowance
                </Text>
              </Table.Td>
              {o.plans.map((plan) => (
                <Table.Td key={plan.key} data-current={isCurrent(plan) || undefined}>
                  <Group gap={4} wrap="nowrap">
                    {plan.overagePolicy === 'bill' && <IconCheck size={14} color="var(--mantine-color-teal-6)" />}
                    <Text size="sm">{plan.overagePolicy === 'bill' ? 'Billed per unit' : 'Hard cap'}</Text>
                  </Group>
                </Table.Td>
              ))}
            </Table.Tr>
            <Table.Tr>
              <Table.Td />
              {o.plans.map((plan) => (
                <Table.Td key={plan.key} data-current={isCurrent(plan) || undefined} data-testid={`plan-${plan.key}`} py="md">
                  {planAction(plan)}
                </Table.Td>
              ))}
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
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
