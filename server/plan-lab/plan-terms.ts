// The commercial terms of one plan version: what a subscription on it pays and may use. Published
// versions are immutable; drafts are edited in the plan lab and replayed against recorded usage
// before they are published. Version 1 of every plan is the catalog in server/billing/plan-catalog.ts.
import { OVERAGES, PLANS, SEAT_PRICES, type PlanDefinition, type PlanKey } from '../billing/plan-catalog';
import type { MetricKey } from '../metering/metrics';

export interface PlanTerms {
  planKey: PlanKey | string;
  version: number;
  name: string;
  /** Plan price per interval in minor units (cents); absent interval: not sold that way. */
  prices: PlanDefinition['prices'];
  includedSeats: number | null;
  /** Price of a seat beyond the included ones, per interval, in minor units. */
  seatPriceMinor: { month: number; year: number };
  overagePolicy: PlanDefinition['overagePolicy'];
  /** Included amount per period; null: unlimited; absent: not metered by the plan. */
  quotas: PlanDefinition['quotas'];
  entitlements: PlanDefinition['entitlements'];
  /** Price per unit past the quota in millionths of the major unit (only under the `bill` policy). */
  overageUnitPriceMicros: Partial<Record<MetricKey, number>>;
}

/** Version 1 of a plan: the catalog as shipped. */
export function catalogPlanTerms(planKey: PlanKey): PlanTerms {
  const plan = PLANS.find((p) => p.key === planKey);
  if (!plan) throw new Error(`unknown plan ${planKey}`);
  return {
    planKey: plan.key,
    version: 1,
    name: plan.name,
    prices: plan.prices,
    includedSeats: plan.includedSeats,
    seatPriceMinor: { month: SEAT_PRICES.month.amountMinor, year: SEAT_PRICES.year.amountMinor },
    overagePolicy: plan.overagePolicy,
    quotas: plan.quotas,
    entitlements: plan.entitlements,
    overageUnitPriceMicros: Object.fromEntries(OVERAGES.map((o) => [o.metric, o.unitPriceMicros])),
  };
}
