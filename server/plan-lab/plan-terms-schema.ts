// The zod shape of PlanTerms (plan-terms.ts): what a plan version may say. Everything written to
// plan_versions.terms passes it, and the draft editor's input is the same shape less what the
// server decides (plan key, version number, price lookup keys). Bounds are commercial sanity
// limits, not Stripe's: a plan price up to $1,000,000, quotas up to 10^12 units.
import { z } from 'zod';
import { PLANS, planPriceLookupKey, type BillingInterval, type PlanKey } from '../billing/plan-catalog';
import { METRIC_KEYS, type MetricKey } from '../metering/metrics';
import { plainText } from '../validation/text';
import type { PlanTerms } from './plan-terms';

export const PLAN_KEYS = PLANS.map((p) => p.key) as [PlanKey, ...PlanKey[]];
const MAX_PRICE_MINOR = 100_000_000;
const MAX_QUOTA = 1_000_000_000_000;
const MAX_UNIT_MICROS = 1_000_000_000;

const wholeNumber = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number.` })
    .int(`${what} must be a whole number.`)
    .min(0, `${what} cannot be negative.`)
    .max(max, `${what} is too large (at most ${max.toLocaleString('en-US')}).`);

const metricKey = z.enum(METRIC_KEYS, { error: (issue) => `Unknown metric ${JSON.stringify(issue.input)}.` });

/** A record keyed by metric with at most one entry per metric (zod 4's partialRecord). */
const perMetric = <T extends z.ZodType>(value: T) =>
  z.partialRecord(metricKey, value, {
    // zod 4 reports keys outside the enum as unrecognized_keys (its issue type for records omits it).
    error: (issue) => {
      const i = issue as { code: string; keys?: string[] };
      return i.code === 'unrecognized_keys' ? `Unknown metric ${(i.keys ?? []).map((k) => JSON.stringify(k)).join(', ')}: use one of ${METRIC_KEYS.join(', ')}.` : undefined;
    },
  });

const entitlementName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'A feature name is 1–40 lower-case letters, digits or underscores.');

/** The editable part of a version: everything but the plan key, version number and lookup keys. */
export const draftTermsSchema = z
  .strictObject({
    name: plainText().trim().min(1, 'Give the version a name.').max(80, 'Keep the name under 80 characters.'),
    prices: z.strictObject({
      month: wholeNumber('The monthly price (in cents)', MAX_PRICE_MINOR).optional(),
      year: wholeNumber('The yearly price (in cents)', MAX_PRICE_MINOR).optional(),
    }),
    includedSeats: wholeNumber('Included seats', 100_000).nullable(),
    seatPriceMinor: z.strictObject({
      month: wholeNumber('The monthly seat price (in cents)', MAX_PRICE_MINOR),
      year: wholeNumber('The yearly seat price (in cents)', MAX_PRICE_MINOR),
    }),
    overagePolicy: z.enum(['hard_cap', 'bill'], { error: 'The overage policy is hard_cap or bill.' }),
    quotas: perMetric(wholeNumber('A quota', MAX_QUOTA).nullable()),
    entitlements: z
      .record(entitlementName, z.strictObject({ enabled: z.boolean({ error: 'enabled is true or false.' }), limit: wholeNumber('A feature limit', 1_000_000_000).nullable() }))
      .refine((e) => Object.keys(e).length <= 40, 'At most 40 features.'),
    overageUnitPriceMicros: perMetric(wholeNumber('An overage unit price (in millionths of a dollar)', MAX_UNIT_MICROS)),
  })
  .superRefine((t, ctx) => {
    if (t.overagePolicy === 'bill' && Object.keys(t.overageUnitPriceMicros).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['overageUnitPriceMicros'], message: 'A plan that bills overage needs a unit price for at least one metric.' });
    }
  });
export type DraftTerms = z.output<typeof draftTermsSchema>;

const storedPrice = (interval: BillingInterval) =>
  z.strictObject({ amountMinor: wholeNumber('A price', MAX_PRICE_MINOR), currency: z.literal('usd'), interval: z.literal(interval), lookupKey: z.string().max(100) });

/** PlanTerms as stored in plan_versions.terms. */
export const planTermsSchema = z.strictObject({
  planKey: z.enum(PLAN_KEYS),
  version: z.number().int().min(1).max(999_999),
  name: z.string().min(1).max(80),
  prices: z.strictObject({ month: storedPrice('month').optional(), year: storedPrice('year').optional() }),
  includedSeats: z.number().int().min(0).nullable(),
  seatPriceMinor: z.strictObject({ month: z.number().int().min(0), year: z.number().int().min(0) }),
  overagePolicy: z.enum(['hard_cap', 'bill']),
  quotas: perMetric(z.number().int().min(0).nullable()),
  entitlements: z.record(entitlementName, z.strictObject({ enabled: z.boolean(), limit: z.number().int().min(0).nullable() })),
  overageUnitPriceMicros: perMetric(z.number().int().min(0)),
});

/** Stored terms for a version, with the lookup keys the server gives its prices. */
export function termsFromDraft(planKey: PlanKey, version: number, draft: DraftTerms): PlanTerms {
  const price = (interval: BillingInterval, amountMinor: number | undefined) =>
    amountMinor === undefined ? undefined : { amountMinor, currency: 'usd' as const, interval, lookupKey: planPriceLookupKey(planKey, interval, version) };
  const prices: PlanTerms['prices'] = {};
  const month = price('month', draft.prices.month);
  const year = price('year', draft.prices.year);
  if (month) prices.month = month;
  if (year) prices.year = year;
  return planTermsSchema.parse({
    planKey,
    version,
    name: draft.name,
    prices,
    includedSeats: draft.includedSeats,
    seatPriceMinor: draft.seatPriceMinor,
    overagePolicy: draft.overagePolicy,
    quotas: draft.quotas,
    entitlements: draft.entitlements,
    overageUnitPriceMicros: draft.overageUnitPriceMicros,
  }) as PlanTerms;
}

/** The editable part of stored terms (for a new draft started from them). */
export function draftFromTerms(terms: PlanTerms): DraftTerms {
  return {
    name: terms.name,
    prices: { ...(terms.prices.month ? { month: terms.prices.month.amountMinor } : {}), ...(terms.prices.year ? { year: terms.prices.year.amountMinor } : {}) },
    includedSeats: terms.includedSeats,
    seatPriceMinor: terms.seatPriceMinor,
    overagePolicy: terms.overagePolicy,
    quotas: terms.quotas as Partial<Record<MetricKey, number | null>>,
    entitlements: terms.entitlements,
    overageUnitPriceMicros: terms.overageUnitPriceMicros,
  };
}

/** Reads stored terms, refusing a row that does not have the shape (never trusted blindly). */
export function parseStoredTerms(value: unknown): PlanTerms {
  return planTermsSchema.parse(value) as PlanTerms;
}
