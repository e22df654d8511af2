// Reading plan versions: one version's stored terms (validated on the way out), and the latest
// published version of a plan, which new subscriptions get. Shared by the plan-lab use cases and
// by billing (checkout, local plan changes).
import type { BillingInterval, PlanKey } from '../billing/plan-catalog';
import type { PlanVersionTarget } from '../billing/billing-provider';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { PlanTerms } from './plan-terms';
import { parseStoredTerms } from './plan-terms-schema';

export interface StoredPlanVersion {
  planKey: string;
  version: number;
  status: 'draft' | 'published' | 'retired';
  terms: PlanTerms;
  note: string | null;
  basedOn: number | null;
  createdById: string | null;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
}

export async function findPlanVersion(db: Pick<Database, 'prisma'>, planKey: string, version: number): Promise<StoredPlanVersion> {
  const row = await db.prisma.planVersion.findUnique({ where: { planKey_version: { planKey, version } } });
  if (!row) throw new AppError('NOT_FOUND', `The ${planKey} plan has no version ${version}.`, { field: 'version' });
  return { ...row, terms: parseStoredTerms(row.terms) };
}

/** The version new subscriptions to the plan get: the highest published one (1, the catalog, at least). */
export async function latestPublishedVersion(db: Pick<Database, 'prisma'>, planKey: string): Promise<StoredPlanVersion | null> {
  const row = await db.prisma.planVersion.findFirst({ where: { planKey, status: 'published' }, orderBy: { version: 'desc' } });
  return row ? { ...row, terms: parseStoredTerms(row.terms) } : null;
}

/** What the billing provider needs to sell or switch to a version (undefined for version 1, the catalog). */
export function versionTarget(terms: PlanTerms): PlanVersionTarget | undefined {
  if (terms.version === 1) return undefined;
  return {
    version: terms.version,
    includedSeats: terms.includedSeats,
    overagePolicy: terms.overagePolicy,
    intervals: (['month', 'year'] as BillingInterval[]).filter((i) => terms.prices[i]),
  };
}

/** The version a new subscription to the plan starts on, for billing's use cases. */
export async function newSubscriptionTarget(db: Pick<Database, 'prisma'>, planKey: PlanKey): Promise<{ version: number; target?: PlanVersionTarget }> {
  const latest = await latestPublishedVersion(db, planKey);
  if (!latest) return { version: 1 };
  return { version: latest.version, target: versionTarget(latest.terms) };
}

/**
 * The version an owner's plan change goes to: the version they are on when they stay on the same
 * plan (an interval switch keeps them grandfathered), else the plan's latest published version.
 */
export async function planChangeTarget(db: Pick<Database, 'prisma'>, organizationId: string, planKey: PlanKey): Promise<{ version: number; target?: PlanVersionTarget }> {
  const sub = await db.prisma.subscription.findUnique({ where: { organizationId }, select: { planKey: true, planVersion: true } });
  if (sub?.planKey === planKey && sub.planVersion !== 1) {
    const current = await findPlanVersion(db, planKey, sub.planVersion);
    return { version: current.version, target: versionTarget(current.terms) };
  }
  if (sub?.planKey === planKey) return { version: 1 };
  return newSubscriptionTarget(db, planKey);
}
