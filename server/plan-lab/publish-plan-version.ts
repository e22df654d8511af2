// Use case (platform staff, finance): publish a draft. From then on its terms are immutable, its
// quotas and entitlements are what metering reads for subscriptions on it, and new subscriptions
// to the plan get it; existing subscribers stay on their version until migrated (grandfathering).
// With a billing provider configured, the version's plan and seat prices are synced under their
// lookup keys.
import { z } from 'zod';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { BillingProvider } from '../billing/billing-provider';
import { findPlan } from '../billing/plan-catalog';
import { syncCatalog } from '../billing/sync-catalog';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { versionNumber } from './create-plan-draft';
import { PLAN_KEYS, parseStoredTerms } from './plan-terms-schema';
import { publishedVersionPrices } from './published-version-prices';
import { immutable } from './save-plan-draft';

export const publishPlanVersionInput = z.strictObject({
  planKey: z.enum(PLAN_KEYS),
  version: versionNumber,
  /** The console asks first: publishing cannot be undone. */
  confirm: z.literal(true, { error: 'Confirm the publication: a published version cannot be changed.' }),
});

export async function publishPlanVersion(
  services: { db: Database; clock: Clock; billingProvider: BillingProvider | null },
  actorUserId: string,
  input: z.output<typeof publishPlanVersionInput>,
) {
  const { db } = services;
  const now = services.clock.now();
  const terms = await db.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<Array<{ status: string; terms: unknown }>>(
      `select status::text, terms from plan_versions where plan_key = $1 and version = $2 for update`,
      input.planKey,
      input.version,
    );
    if (!row) throw new AppError('NOT_FOUND', `The ${input.planKey} plan has no version ${input.version}.`, { field: 'version' });
    if (row.status !== 'draft') throw immutable(input.planKey, input.version);
    const terms = parseStoredTerms(row.terms);
    const catalog = findPlan(input.planKey)!;
    if (Object.keys(catalog.prices).length > 0 && !terms.prices.month && !terms.prices.year) {
      throw new AppError('BAD_REQUEST', `The ${catalog.name} plan is sold online: give the version a monthly or a yearly price.`, { field: 'prices' });
    }
    // What metering reads: a metric absent from the quotas is not metered by the version.
    for (const [metric, included] of Object.entries(terms.quotas)) {
      await tx.planQuota.create({ data: { planKey: input.planKey, version: input.version, metric, included: included === null || included === undefined ? null : BigInt(included) } });
    }
    for (const [feature, e] of Object.entries(terms.entitlements)) {
      await tx.planEntitlement.create({ data: { planKey: input.planKey, version: input.version, feature, enabled: e.enabled, limit: e.limit } });
    }
    await tx.planVersion.update({
      where: { planKey_version: { planKey: input.planKey, version: input.version } },
      data: { status: 'published', publishedAt: now, publishedById: actorUserId, overagePolicy: terms.overagePolicy, updatedAt: now },
    });
    await recordAuditEvent(tx, { actorUserId, action: 'plan_lab.version_published', targetType: 'plan_version', targetId: `${input.planKey}/v${input.version}`, after: terms });
    return terms;
  });

  // The provider's prices for the version; a failure here leaves the version published, and the
  // next sync (or a retry from the plan lab) creates them: nobody is on the version yet.
  let prices: { synced: boolean; message: string } = { synced: false, message: 'No billing provider is configured: run the catalog sync where one is.' };
  if (services.billingProvider) {
    try {
      const outcome = await syncCatalog(services.billingProvider, { planVersions: await publishedVersionPrices(db) });
      prices = { synced: outcome.conflicts.length === 0, message: outcome.lines.join('\n') };
    } catch (error) {
      prices = { synced: false, message: error instanceof AppError ? error.message : 'The billing provider could not be reached: sync the catalog again later.' };
    }
  }
  return { planKey: input.planKey, version: input.version, status: 'published' as const, publishedAt: now, terms, prices };
}
