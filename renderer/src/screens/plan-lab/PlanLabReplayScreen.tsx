// #/plan-replay (platform staff with platform:plans:replay): until the plan lab's version screen
// hosts the panel, a draft is an editable copy of a catalog plan (version 1) — price, seats,
// overage policy and included quotas — replayed by the WhatIfReplay panel against the catalog.
import { Card, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { PLANS, type PlanKey } from '../../../../server/billing/plan-catalog';
import { catalogPlanTerms, type PlanTerms } from '../../../../server/plan-lab/plan-terms';
import { PageHeader } from '../../components/PageHeader';
import { metricLabel } from '../../lib/metrics';
import { WhatIfReplay } from './WhatIfReplay';

export function PlanLabReplayScreen() {
  const [planKey, setPlanKey] = useState<PlanKey>('starter');
  const current = useMemo(() => catalogPlanTerms(planKey), [planKey]);
  const [draft, setDraft] = useState<PlanTerms>(() => ({ ...catalogPlanTerms('starter'), version: 2, name: 'Starter (draft)' }));
  const choose = (key: PlanKey) => {
    setPlanKey(key);
    const terms = catalogPlanTerms(key);
    setDraft({ ...terms, version: 2, name: `${terms.name} (draft)` });
  };
  const monthly = draft.prices.month;
  return (
    <Stack gap="lg">
      <PageHeader title="What-if replay" description="Draft a change to a plan and see what it would have done to the last months' invoices and sends of every tenant on it." />
      <Card p="lg">
        <Stack gap="md">
          <Group align="flex-end" wrap="wrap">
            <Select
              label="Plan"
              w={200}
              value={planKey}
              onChange={(v) => v && choose(v as PlanKey)}
              data={PLANS.map((p) => ({ value: p.key, label: p.name }))}
              allowDeselect={false}
            />
            <TextInput label="Draft name" w={240} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })} />
            {monthly && (
              <NumberInput
                label="Monthly price (USD)"
                w={180}
                min={0}
                decimalScale={2}
                value={monthly.amountMinor / 100}
                onChange={(v) => setDraft({ ...draft, prices: { ...draft.prices, month: { ...monthly, amountMinor: Math.round(Number(v || 0) * 100) } } })}
              />
            )}
            <NumberInput
              label="Included seats"
              w={140}
              min={0}
              allowDecimal={false}
              value={draft.includedSeats ?? ''}
              placeholder="Unlimited"
              onChange={(v) => setDraft({ ...draft, includedSeats: v === '' ? null : Number(v) })}
            />
            <div>
              <Title order={6} mb={6}>
                Past the quota
              </Title>
              <SegmentedControl
                value={draft.overagePolicy}
                onChange={(v) => setDraft({ ...draft, overagePolicy: v as PlanTerms['overagePolicy'] })}
                data={[
                  { value: 'hard_cap', label: 'Block' },
                  { value: 'bill', label: 'Bill overage' },
                ]}
              />
            </div>
          </Group>
          <Title order={5}>Included per month</Title>
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            {Object.keys(current.quotas).map((metric) => {
              const value = (draft.quotas as Record<string, number | null | undefined>)[metric];
              return (
                <NumberInput
                  key={metric}
                  label={metricLabel(metric)}
                  min={0}
                  allowDecimal={false}
                  thousandSeparator=","
                  value={value ?? ''}
                  placeholder="Unlimited"
                  onChange={(v) => setDraft({ ...draft, quotas: { ...draft.quotas, [metric]: v === '' ? null : Number(v) } })}
                />
              );
            })}
          </SimpleGrid>
        </Stack>
      </Card>
      <WhatIfReplay draft={draft} current={current} />
    </Stack>
  );
}
