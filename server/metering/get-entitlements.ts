import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { getAccountState } from './get-usage-state';

/** The features of the plan version the subscription is on: booleans (api_access, webhooks) and numeric limits (max_bots, max_documents …). */
export async function getEntitlements(db: Database, organizationId: string, clock: Clock) {
  const account = await getAccountState(db, organizationId, clock.now());
  if (!account) throw new AppError('NOT_FOUND', 'The organization does not exist.');
  const rows = await db.prisma.planEntitlement.findMany({ where: { planKey: account.planKey, version: account.planVersion }, orderBy: { feature: 'asc' } });
  return {
    plan: account.planKey,
    features: Object.fromEntries(rows.map((r) => [r.feature, r.limit === null ? r.enabled : r.enabled ? r.limit : false])) as Record<string, boolean | number>,
  };
}
