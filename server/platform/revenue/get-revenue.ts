// Use case (platform finance): revenue analytics from the mirrored subscriptions' history and the
// mirrored invoices, with refunds made through the console (audited as platform.invoice.refund).
import { z } from 'zod';
import type { Clock } from '../../clock';
import type { Database } from '../../db/open-database';
import { parseStoredTerms } from '../../plan-lab/plan-terms-schema';
import { computeRevenue, type VersionPriceRow } from './compute-revenue';

export const getRevenueInput = z.object({ months: z.number().int().min(1).max(36).default(12) }).default({ months: 12 });

export async function getRevenue(db: Database, clock: Clock, input: z.output<typeof getRevenueInput>) {
  const asOf = clock.now();
  const from = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() - (input.months - 1), 1));
  const [changes, invoices, refunds, versions] = await Promise.all([
    db.prisma.subscriptionChange.findMany({
      where: { effectiveAt: { lte: asOf } },
      select: { organizationId: true, effectiveAt: true, planKey: true, providerStatus: true, billingInterval: true, seatQuantity: true, planVersion: true },
    }),
    db.query<{ organization_id: string; status: string; amount_paid: string; provider_created: Date }>(
      `select organization_id, status, amount_paid::text, provider_created from billing_invoices where status = 'paid' and provider_created >= $1 and provider_created <= $2`,
      [from, asOf],
    ),
    db.query<{ organization_id: string; amount: string | null; created_at: Date }>(
      `select organization_id, after->>'amountMinor' as amount, created_at from audit_events
        where action = 'platform.invoice.refund' and organization_id is not null and created_at >= $1 and created_at <= $2`,
      [from, asOf],
    ),
    // Published (and retired) versions past the catalog: their subscribers pay their prices.
    db.prisma.planVersion.findMany({ where: { version: { gt: 1 }, status: { not: 'draft' } }, select: { terms: true } }),
  ]);
  const versionPrices: VersionPriceRow[] = versions.map((v) => {
    const t = parseStoredTerms(v.terms);
    return { planKey: t.planKey, version: t.version, prices: { month: t.prices.month?.amountMinor, year: t.prices.year?.amountMinor }, seatPriceMinor: t.seatPriceMinor };
  });
  return computeRevenue({
    changes,
    invoices: invoices.map((i) => ({ organizationId: i.organization_id, status: i.status, amountPaid: Number(i.amount_paid), createdAt: i.provider_created })),
    refunds: refunds.filter((r) => r.amount && /^\d+$/.test(r.amount)).map((r) => ({ organizationId: r.organization_id, amountMinor: Number(r.amount), at: r.created_at })),
    asOf,
    months: input.months,
    versionPrices,
  });
}
