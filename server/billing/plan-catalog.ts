// The plan catalog, versioned with the code: the single source of truth for plans, their Stripe
// prices (by stable lookup key), included quotas, entitlements and overage prices. The `plans`,
// `plan_quotas` and `plan_entitlements` rows seeded by the metering migration must agree with it
// (tests/billing/plan-catalog.test.ts checks they do); `npm run cli -- stripe sync-catalog`
// makes Stripe agree with it. A price change is a new lookup-key version only when its meaning
// changes; a changed amount under the same key becomes a new Stripe price (prices are immutable)
// and the key moves to it.
import type { MetricKey } from '../metering/metrics';

export type PlanKey = 'free' | 'starter' | 'growth' | 'pro' | 'enterprise';
export type BillingInterval = 'month' | 'year';
export type Currency = 'usd';

/** Money in integer minor units (cents) with its currency. */
export interface Money {
  amountMinor: number;
  currency: Currency;
}

export interface CatalogPrice extends Money {
  lookupKey: string;
  interval: BillingInterval;
}

export interface PlanDefinition {
  key: PlanKey;
  name: string;
  description: string;
  sortOrder: number;
  /** Enterprise is sold by contact: no public price, no self-serve checkout. */
  selfServe: boolean;
  prices: Partial<Record<BillingInterval, CatalogPrice>>;
  /** Seats included in the plan price; more are billed at the seat price. null: unlimited. */
  includedSeats: number | null;
  overagePolicy: 'hard_cap' | 'bill';
  /** Included amount per period; null: unlimited. A metric absent here is not metered by the plan. */
  quotas: Partial<Record<MetricKey, number | null>>;
  entitlements: Record<string, { enabled: boolean; limit: number | null }>;
}

export interface OverageDefinition {
  metric: MetricKey;
  /** Price per unit past the included quota, in millionths of the currency's major unit. */
  unitPriceMicros: number;
  currency: Currency;
  lookupKey: string;
  /** Stripe meter event name; the meter sums `value` per `stripe_customer_id`. */
  meterEventName: string;
  displayName: string;
}

export const CATALOG_VERSION = 1;

const usd = (amountMinor: number) => ({ amountMinor, currency: 'usd' as const });

function prices(key: PlanKey, monthlyMinor: number): PlanDefinition['prices'] {
  return {
    // Yearly: ten months' price for twelve.
    month: { ...usd(monthlyMinor), interval: 'month', lookupKey: `meterdesk_${key}_monthly_v1` },
    year: { ...usd(monthlyMinor * 10), interval: 'year', lookupKey: `meterdesk_${key}_yearly_v1` },
  };
}

/** Included quotas: free, starter, growth, pro (enterprise: unlimited). Same figures as the metering migration's seed. */
const QUOTAS: Array<[MetricKey, number, number, number, number]> = [
  ['sms_sent', 100, 1000, 2500, 5000],
  ['mms_sent', 10, 100, 250, 500],
  ['wa_messages', 250, 2000, 5000, 10000],
  ['emails_sent', 1000, 10000, 25000, 50000],
  ['calls_made', 50, 500, 1000, 2000],
  ['call_seconds', 6000, 60000, 120000, 240000],
  ['ai_queries', 100, 1000, 5000, 20000],
  ['ai_tokens', 100000, 1000000, 5000000, 20000000],
  ['documents', 10, 100, 500, 2000],
  ['storage_mb', 100, 1000, 5000, 20000],
  ['api_requests', 10000, 100000, 500000, 2000000],
  ['contacts_created', 500, 5000, 25000, 100000],
  ['campaigns_launched', 5, 50, 200, 1000],
];

function quotas(column: 1 | 2 | 3 | 4 | null): PlanDefinition['quotas'] {
  return Object.fromEntries(QUOTAS.map((row) => [row[0], column === null ? null : row[column]]));
}

function entitlements(apiAccess: boolean, webhooks: boolean, maxBots: number | null, maxDocuments: number | null, apiPerMinute: number) {
  return {
    api_access: { enabled: apiAccess, limit: null },
    webhooks: { enabled: webhooks, limit: null },
    max_bots: { enabled: true, limit: maxBots },
    max_documents: { enabled: true, limit: maxDocuments },
    api_requests_per_minute: { enabled: true, limit: apiPerMinute },
  };
}

export const PLANS: readonly PlanDefinition[] = [
  {
    key: 'free', name: 'Free', description: 'Try Meterdesk with small monthly allowances.', sortOrder: 0, selfServe: true,
    prices: {}, includedSeats: 1, overagePolicy: 'hard_cap', quotas: quotas(1), entitlements: entitlements(false, false, 1, 10, 60),
  },
  {
    key: 'starter', name: 'Starter', description: 'For small teams sending every day.', sortOrder: 1, selfServe: true,
    prices: prices('starter', 2900), includedSeats: 3, overagePolicy: 'hard_cap', quotas: quotas(2), entitlements: entitlements(true, false, 3, 100, 600),
  },
  {
    key: 'growth', name: 'Growth', description: 'More volume, webhooks and more bots.', sortOrder: 2, selfServe: true,
    prices: prices('growth', 5900), includedSeats: 10, overagePolicy: 'hard_cap', quotas: quotas(3), entitlements: entitlements(true, true, 5, 500, 1200),
  },
  {
    key: 'pro', name: 'Pro', description: 'High volume; usage past the allowance is billed, never blocked.', sortOrder: 3, selfServe: true,
    prices: prices('pro', 9900), includedSeats: 25, overagePolicy: 'bill', quotas: quotas(4), entitlements: entitlements(true, true, 10, 2000, 3000),
  },
  {
    key: 'enterprise', name: 'Enterprise', description: 'Custom volume, terms and support. Contact sales.', sortOrder: 4, selfServe: false,
    prices: {}, includedSeats: null, overagePolicy: 'bill', quotas: quotas(null), entitlements: entitlements(true, true, null, null, 60000),
  },
];

/** Seats beyond a plan's included ones (seed 003: team billing per user), kept in step with active members. */
export const SEAT_PRICES: Record<BillingInterval, CatalogPrice> = {
  month: { ...usd(900), interval: 'month', lookupKey: 'meterdesk_seat_monthly_v1' },
  year: { ...usd(9000), interval: 'year', lookupKey: 'meterdesk_seat_yearly_v1' },
};

/** Per-unit overage prices for the metrics billed past quota under the `bill` policy. */
export const OVERAGES: readonly OverageDefinition[] = (
  [
    ['sms_sent', 7500, 'SMS sent'], // $0.0075, the US SMS rate card (seed 000)
    ['mms_sent', 20000, 'MMS sent'],
    ['wa_messages', 5000, 'WhatsApp messages'],
    ['emails_sent', 1000, 'Emails sent'],
    ['calls_made', 10000, 'Calls made'],
    ['call_seconds', 250, 'Call seconds'], // $0.015 a minute
    ['ai_queries', 2000, 'AI queries'],
    ['ai_tokens', 2, 'AI tokens'], // $2 per million
    ['api_requests', 100, 'API requests'],
  ] as const
).map(([metric, unitPriceMicros, displayName]) => ({
  metric,
  unitPriceMicros,
  currency: 'usd' as const,
  lookupKey: `meterdesk_overage_${metric}_v1`,
  meterEventName: `meterdesk_${metric}`,
  displayName: `Meterdesk ${displayName}`,
}));

export const SEAT_PRODUCT = { key: 'seat', name: 'Meterdesk seat', description: 'A member seat beyond those included in the plan.' } as const;
export const PORTAL_CONFIGURATION_KEY = 'meterdesk_portal_v1';

export function findPlan(key: string): PlanDefinition | undefined {
  return PLANS.find((p) => p.key === key);
}

/** Micros of a major unit → Stripe's `unit_amount_decimal` in minor units (cents), exactly. */
export function microsToMinorDecimal(micros: number): string {
  if (!Number.isSafeInteger(micros) || micros < 0) throw new Error(`invalid micros amount ${micros}`);
  const whole = Math.floor(micros / 10_000);
  const fraction = String(micros % 10_000).padStart(4, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/**
 * Lookup key of a plan's price in one version of the plan (plan lab): version 1 is the catalog's
 * own keys, version N is `meterdesk_<plan>_<monthly|yearly>_vN`. The subscription's price says
 * which version it is on, so renewals keep it and a scheduled switch moves it.
 */
export function planPriceLookupKey(planKey: string, interval: BillingInterval, version: number): string {
  return `meterdesk_${planKey}_${interval === 'month' ? 'monthly' : 'yearly'}_v${version}`;
}

const PLAN_LOOKUP_KEY = /^meterdesk_([a-z]+)_(monthly|yearly)_v([1-9][0-9]{0,5})$/;

/** The plan, interval and version a price lookup key names; null for anything else (seats, overage, foreign keys). */
export function parsePlanPriceLookupKey(key: string | null | undefined): { planKey: PlanKey; interval: BillingInterval; version: number } | null {
  const m = key ? PLAN_LOOKUP_KEY.exec(key) : null;
  if (!m || !findPlan(m[1]!)) return null;
  return { planKey: m[1] as PlanKey, interval: m[2] === 'monthly' ? 'month' : 'year', version: Number(m[3]) };
}

/**
 * Lookup key of the seat price in one version of a plan (plan lab): version 1 is the catalog's
 * `meterdesk_seat_<monthly|yearly>_v1`, version N is `meterdesk_seat_<plan>_<monthly|yearly>_vN`.
 * The plan is in the key because versions are numbered per plan: starter v2 and growth v2 may
 * price seats differently, and one shared `_v2` key could hold only one of them.
 */
export function seatPriceLookupKey(planKey: string, interval: BillingInterval, version: number): string {
  if (version <= 1) return SEAT_PRICES[interval].lookupKey;
  return `meterdesk_seat_${planKey}_${interval === 'month' ? 'monthly' : 'yearly'}_v${version}`;
}

const SEAT_LOOKUP_KEY = /^meterdesk_seat_(?:[a-z]+_)?(monthly|yearly)_v[1-9][0-9]{0,5}$/;

/** Whether a price lookup key is a seat price of any version (the catalog's or a plan-lab version's). */
export function isSeatPriceLookupKey(key: string | null | undefined): boolean {
  return !!key && SEAT_LOOKUP_KEY.test(key);
}
