// One month's invoice of a tenant on some plan terms: the plan price (a twelfth of the yearly price
// for yearly subscribers, as revenue counts MRR), seats beyond the included ones, overage units at
// the terms' unit prices, and — for information — what the prepaid credits that covered overage
// were worth. Money in integer cents.
import { overageAmountMinor } from '../../billing/overage-amount';
import type { PlanTerms } from '../plan-terms';

export interface ReplayInvoice {
  subscriptionMinor: number;
  seatsMinor: number;
  overageMinor: number;
  /** Value of prepaid credit units that paid for usage past the included amount (not charged). */
  creditsMinor: number;
  totalMinor: number;
}

export function replayInvoice(
  terms: PlanTerms,
  tenant: { interval: 'month' | 'year'; activeMembers: number },
  metrics: Record<string, { overageUnits: number; creditUnits: number }>,
): ReplayInvoice {
  const yearly = tenant.interval === 'year' && terms.prices.year;
  const subscriptionMinor = yearly ? Math.round(terms.prices.year!.amountMinor / 12) : (terms.prices.month?.amountMinor ?? 0);
  const extraSeats = terms.includedSeats === null ? 0 : Math.max(0, tenant.activeMembers - terms.includedSeats);
  const seatsMinor = extraSeats * (yearly ? Math.round(terms.seatPriceMinor.year / 12) : terms.seatPriceMinor.month);
  let overageMinor = 0;
  let creditsMinor = 0;
  for (const [metric, m] of Object.entries(metrics)) {
    const unit = (terms.overageUnitPriceMicros as Record<string, number | undefined>)[metric] ?? 0;
    overageMinor += overageAmountMinor(m.overageUnits, unit);
    creditsMinor += overageAmountMinor(m.creditUnits, unit);
  }
  return { subscriptionMinor, seatsMinor, overageMinor, creditsMinor, totalMinor: subscriptionMinor + seatsMinor + overageMinor };
}
