// Revenue analytics as a pure function of the subscription history and the invoices: the formula
// is documented in README, “Platform administration → Revenue”, and tests/platform/revenue.test.ts checks it against figures
// computed by hand. Money is integer minor units (cents, USD: the catalog's only currency).
import { findPlan, SEAT_PRICES, type BillingInterval } from '../../billing/plan-catalog';

export interface SubscriptionChangeRow {
  organizationId: string;
  effectiveAt: Date;
  planKey: string;
  providerStatus: string;
  billingInterval: string | null;
  seatQuantity: number;
  /** The plan-lab version the subscription was on (1, the catalog, when absent). */
  planVersion?: number;
}

/** A published plan version's prices (plan_versions.terms), which its subscribers pay. */
export interface VersionPriceRow {
  planKey: string;
  version: number;
  prices: Partial<Record<BillingInterval, number>>;
  seatPriceMinor: Record<BillingInterval, number>;
}

/** Prices by "plan/version"; a state whose version is missing here pays the catalog's. */
export type VersionPriceIndex = Map<string, VersionPriceRow>;

export function indexVersionPrices(rows: VersionPriceRow[] = []): VersionPriceIndex {
  return new Map(rows.map((r) => [`${r.planKey}/${r.version}`, r]));
}

export interface InvoiceRow {
  organizationId: string;
  status: string;
  amountPaid: number;
  /** When the provider created it: cash is counted in that month. */
  createdAt: Date;
}

export interface RefundRow {
  organizationId: string;
  amountMinor: number;
  at: Date;
}

/** Provider statuses that pay: trials, unpaid, paused, incomplete and canceled count as 0. */
export const PAYING_STATUSES = new Set(['active', 'past_due']);

/**
 * A subscription state's monthly recurring revenue: the price of its plan version and interval
 * (the catalog's for version 1 or an unknown version),
 * plus its extra seats at the seat price, a yearly price divided by 12 and rounded to the cent
 * (half up). 0 unless the status pays; 0 for plans without a catalog price (free, enterprise).
 */
export function monthlyRecurringMinor(
  state: Pick<SubscriptionChangeRow, 'planKey' | 'providerStatus' | 'billingInterval' | 'seatQuantity' | 'planVersion'>,
  versions: VersionPriceIndex = new Map(),
): number {
  if (!PAYING_STATUSES.has(state.providerStatus)) return 0;
  const interval: BillingInterval = state.billingInterval === 'year' ? 'year' : 'month';
  // A grandfathered or migrated tenant pays its version's prices (Starter v2 at $19 counts $19).
  const version = state.planVersion && state.planVersion !== 1 ? versions.get(`${state.planKey}/${state.planVersion}`) : undefined;
  const plan = findPlan(state.planKey);
  const price = version ? (version.prices[interval] ?? 0) : (plan?.prices[interval]?.amountMinor ?? 0);
  const seatPrice = version ? version.seatPriceMinor[interval] : SEAT_PRICES[interval].amountMinor;
  const seats = Math.max(0, state.seatQuantity) * seatPrice;
  const perInterval = price + seats;
  return interval === 'year' ? Math.round(perInterval / 12) : perInterval;
}

export interface RevenueMonth {
  /** YYYY-MM (UTC). */
  month: string;
  openingMrrMinor: number;
  mrrMinor: number;
  arrMinor: number;
  newMrrMinor: number;
  expansionMrrMinor: number;
  contractionMrrMinor: number;
  churnedMrrMinor: number;
  /** new + expansion − contraction − churn = closing − opening. */
  netNewMrrMinor: number;
  payingCustomers: number;
  openingCustomers: number;
  churnedCustomers: number;
  /** churned customers ÷ customers paying at the start of the month; null when none were. */
  logoChurnRate: number | null;
  /** (churned + contraction MRR) ÷ opening MRR; null when the opening MRR is 0. */
  revenueChurnRate: number | null;
  trialsEnded: number;
  trialsConverted: number;
  /** converted ÷ ended; null when no trial ended. */
  trialConversionRate: number | null;
  byPlan: Array<{ planKey: string; mrrMinor: number; customers: number }>;
  /** Invoices paid (amount paid, by the invoice's month) minus refunds made that month. */
  collectedMinor: number;
  refundedMinor: number;
  netCollectedMinor: number;
}

export interface RevenueReport {
  currency: 'usd';
  months: RevenueMonth[];
  /** At `asOf` (the current MRR, not the end of the month). */
  current: { mrrMinor: number; arrMinor: number; payingCustomers: number; byPlan: Array<{ planKey: string; mrrMinor: number; customers: number }> };
}

export function monthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}
function addMonths(d: Date, n: number): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
}
function monthKey(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** Each organization's history, oldest first. */
function historyByOrganization(changes: SubscriptionChangeRow[]) {
  const map = new Map<string, SubscriptionChangeRow[]>();
  for (const c of [...changes].sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime())) {
    const list = map.get(c.organizationId) ?? [];
    list.push(c);
    map.set(c.organizationId, list);
  }
  return map;
}

/** The state in force just before `instant` (the latest change strictly earlier), or null. */
function stateBefore(history: SubscriptionChangeRow[], instant: Date): SubscriptionChangeRow | null {
  let found: SubscriptionChangeRow | null = null;
  for (const c of history) {
    if (c.effectiveAt < instant) found = c;
    else break;
  }
  return found;
}

function byPlanAt(histories: Map<string, SubscriptionChangeRow[]>, instant: Date, versions: VersionPriceIndex) {
  const plans = new Map<string, { mrrMinor: number; customers: number }>();
  let mrr = 0;
  let customers = 0;
  for (const history of histories.values()) {
    const state = stateBefore(history, instant);
    const value = state ? monthlyRecurringMinor(state, versions) : 0;
    if (!state || value === 0) continue;
    mrr += value;
    customers += 1;
    const p = plans.get(state.planKey) ?? { mrrMinor: 0, customers: 0 };
    p.mrrMinor += value;
    p.customers += 1;
    plans.set(state.planKey, p);
  }
  const byPlan = [...plans.entries()].map(([planKey, v]) => ({ planKey, ...v })).sort((a, b) => b.mrrMinor - a.mrrMinor || a.planKey.localeCompare(b.planKey));
  return { mrr, customers, byPlan };
}

/**
 * Monthly figures for the `months` calendar months (UTC) ending with the month of `asOf`. A month's
 * opening MRR is every tenant's state just before its first instant, its closing MRR the state
 * just before the next month's first instant (or `asOf` for the current month).
 */
export function computeRevenue(input: { changes: SubscriptionChangeRow[]; invoices: InvoiceRow[]; refunds: RefundRow[]; asOf: Date; months: number; versionPrices?: VersionPriceRow[] }): RevenueReport {
  const histories = historyByOrganization(input.changes);
  const versions = indexVersionPrices(input.versionPrices);
  const first = addMonths(monthStart(input.asOf), -(input.months - 1));
  const months: RevenueMonth[] = [];
  for (let i = 0; i < input.months; i++) {
    const start = addMonths(first, i);
    const nextStart = addMonths(first, i + 1);
    const end = nextStart > input.asOf ? new Date(input.asOf.getTime() + 1) : nextStart;
    let opening = 0, closing = 0, newMrr = 0, expansion = 0, contraction = 0, churned = 0;
    let openingCustomers = 0, payingCustomers = 0, churnedCustomers = 0, trialsEnded = 0, trialsConverted = 0;
    for (const history of histories.values()) {
      const o = monthlyRecurringMinor(stateBefore(history, start) ?? { planKey: 'free', providerStatus: 'none', billingInterval: null, seatQuantity: 0 }, versions);
      const c = monthlyRecurringMinor(stateBefore(history, end) ?? { planKey: 'free', providerStatus: 'none', billingInterval: null, seatQuantity: 0 }, versions);
      opening += o;
      closing += c;
      if (o > 0) openingCustomers += 1;
      if (c > 0) payingCustomers += 1;
      if (o === 0 && c > 0) newMrr += c;
      else if (o > 0 && c === 0) {
        churned += o;
        churnedCustomers += 1;
      } else if (c > o) expansion += c - o;
      else if (c < o) contraction += o - c;
      // A trial ends when a change moves the subscription out of trialing within the month.
      for (let k = 1; k < history.length; k++) {
        const prev = history[k - 1]!;
        const cur = history[k]!;
        if (prev.providerStatus !== 'trialing' || cur.providerStatus === 'trialing') continue;
        if (cur.effectiveAt < start || cur.effectiveAt >= end) continue;
        trialsEnded += 1;
        if (PAYING_STATUSES.has(cur.providerStatus)) trialsConverted += 1;
      }
    }
    const inMonth = (d: Date) => d >= start && d < end;
    const collected = input.invoices.filter((inv) => inv.status === 'paid' && inMonth(inv.createdAt)).reduce((n, inv) => n + inv.amountPaid, 0);
    const refunded = input.refunds.filter((r) => inMonth(r.at)).reduce((n, r) => n + r.amountMinor, 0);
    months.push({
      month: monthKey(start),
      openingMrrMinor: opening,
      mrrMinor: closing,
      arrMinor: closing * 12,
      newMrrMinor: newMrr,
      expansionMrrMinor: expansion,
      contractionMrrMinor: contraction,
      churnedMrrMinor: churned,
      netNewMrrMinor: newMrr + expansion - contraction - churned,
      payingCustomers,
      openingCustomers,
      churnedCustomers,
      logoChurnRate: openingCustomers ? churnedCustomers / openingCustomers : null,
      revenueChurnRate: opening ? (churned + contraction) / opening : null,
      trialsEnded,
      trialsConverted,
      trialConversionRate: trialsEnded ? trialsConverted / trialsEnded : null,
      byPlan: byPlanAt(histories, end, versions).byPlan,
      collectedMinor: collected,
      refundedMinor: refunded,
      netCollectedMinor: collected - refunded,
    });
  }
  const now = byPlanAt(histories, new Date(input.asOf.getTime() + 1), versions);
  return { currency: 'usd', months, current: { mrrMinor: now.mrr, arrMinor: now.mrr * 12, payingCustomers: now.customers, byPlan: now.byPlan } };
}
