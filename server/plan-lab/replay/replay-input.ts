// What a what-if replay is asked: a draft's terms, the version it would replace, how many full
// billing months to replay and optionally which tenants. Strict: unknown keys, control characters,
// negative money and oversized maps are refused with a message naming the field.
import { z } from 'zod';
import { METRIC_KEYS } from '../../metering/metrics';
import { textProblem } from '../../validation/text';

const minor = z.number().int('must be whole cents').min(0, 'cannot be negative').max(100_000_000, 'is more than $1,000,000');
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((v) => textProblem(v) === null, 'must not contain control characters');
const price = (interval: 'month' | 'year') =>
  z.strictObject({
    amountMinor: minor,
    currency: z.literal('usd'),
    interval: z.literal(interval),
    lookupKey: z.string().regex(/^[a-z0-9_]{1,80}$/, 'lookup keys are lower-case letters, digits and _'),
  });
const quantity = z.number().int().min(0).max(1_000_000_000_000);

export const planTermsSchema = z.strictObject({
  planKey: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a plan key is lower-case letters, digits, - and _ (at most 40)'),
  version: z.number().int().min(1).max(100_000),
  name: text(80),
  prices: z.strictObject({ month: price('month').optional(), year: price('year').optional() }),
  includedSeats: z.number().int().min(0).max(1_000_000).nullable(),
  seatPriceMinor: z.strictObject({ month: minor, year: minor }),
  overagePolicy: z.enum(['hard_cap', 'bill']),
  quotas: z.partialRecord(z.enum(METRIC_KEYS), quantity.nullable()),
  entitlements: z
    .record(z.string().regex(/^[a-z][a-z0-9_]{0,59}$/), z.strictObject({ enabled: z.boolean(), limit: z.number().int().min(0).max(1_000_000_000).nullable() }))
    .refine((e) => Object.keys(e).length <= 50, 'at most 50 entitlements'),
  overageUnitPriceMicros: z.partialRecord(z.enum(METRIC_KEYS), z.number().int().min(0).max(1_000_000_000)),
});

export const replayPlanInput = z.strictObject({
  draft: planTermsSchema,
  /** The version the draft would replace (the tenants' current terms): replayed too, for "before" and the self-check. */
  compareWith: planTermsSchema,
  months: z.number().int().min(1, 'replay at least 1 month').max(12, 'replay at most 12 months'),
  /** A chosen set of tenants; default: every tenant subscribed to the draft's plan. */
  organizationIds: z.array(z.uuid('organization ids are UUIDs')).min(1).max(5_000).optional(),
});
export type ReplayPlanInput = z.output<typeof replayPlanInput>;
