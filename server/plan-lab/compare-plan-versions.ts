// Use case (platform staff, finance): what differs between two versions of a plan, term by term
// (prices, seats, overage policy, each quota, entitlement and unit price). Lookup keys and version
// numbers are bookkeeping and left out.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { versionNumber } from './create-plan-draft';
import type { PlanTerms } from './plan-terms';
import { PLAN_KEYS } from './plan-terms-schema';
import { findPlanVersion } from './plan-versions';

export const comparePlanVersionsInput = z.strictObject({ planKey: z.enum(PLAN_KEYS), a: versionNumber, b: versionNumber });

export type TermValue = string | number | boolean | null;
export interface TermDifference {
  /** Dotted path in PlanTerms, e.g. `quotas.sms_sent`, `prices.month`. */
  path: string;
  a: TermValue | undefined;
  b: TermValue | undefined;
}

/** PlanTerms flattened to comparable leaves. */
export function flattenTerms(t: PlanTerms): Record<string, TermValue> {
  const out: Record<string, TermValue> = { name: t.name, includedSeats: t.includedSeats, overagePolicy: t.overagePolicy };
  for (const interval of ['month', 'year'] as const) {
    const price = t.prices[interval];
    if (price) out[`prices.${interval}`] = price.amountMinor;
    out[`seatPriceMinor.${interval}`] = t.seatPriceMinor[interval];
  }
  for (const [metric, quota] of Object.entries(t.quotas)) out[`quotas.${metric}`] = quota ?? null;
  for (const [feature, e] of Object.entries(t.entitlements)) {
    out[`entitlements.${feature}.enabled`] = e.enabled;
    out[`entitlements.${feature}.limit`] = e.limit;
  }
  for (const [metric, micros] of Object.entries(t.overageUnitPriceMicros)) out[`overageUnitPriceMicros.${metric}`] = micros ?? null;
  return out;
}

export function diffTerms(a: PlanTerms, b: PlanTerms): TermDifference[] {
  const fa = flattenTerms(a);
  const fb = flattenTerms(b);
  const paths = [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort();
  return paths.filter((p) => fa[p] !== fb[p]).map((p) => ({ path: p, a: fa[p], b: fb[p] }));
}

export async function comparePlanVersions(db: Database, input: z.output<typeof comparePlanVersionsInput>) {
  const [a, b] = await Promise.all([findPlanVersion(db, input.planKey, input.a), findPlanVersion(db, input.planKey, input.b)]);
  return { planKey: input.planKey, a: { version: a.version, status: a.status }, b: { version: b.version, status: b.status }, differences: diffTerms(a.terms, b.terms) };
}
