// The plan and seat prices of published plan-lab versions (version 2 on), for the catalog sync:
// each is created at the billing provider under its version's lookup key.
import type { VersionedPlanPrices } from '../billing/billing-provider';
import type { PlanKey } from '../billing/plan-catalog';
import type { Database } from '../db/open-database';
import { parseStoredTerms } from './plan-terms-schema';

export async function publishedVersionPrices(db: Pick<Database, 'prisma'>): Promise<VersionedPlanPrices[]> {
  const rows = await db.prisma.planVersion.findMany({ where: { status: 'published', version: { gt: 1 } }, orderBy: [{ planKey: 'asc' }, { version: 'asc' }] });
  return rows.map((row) => {
    const terms = parseStoredTerms(row.terms);
    const prices: VersionedPlanPrices['prices'] = {};
    if (terms.prices.month) prices.month = terms.prices.month.amountMinor;
    if (terms.prices.year) prices.year = terms.prices.year.amountMinor;
    return { planKey: row.planKey as PlanKey, version: row.version, name: terms.name, prices, seatPrices: terms.seatPriceMinor };
  });
}
