// Keeps the history revenue analytics reads (server/platform/revenue, README, “Platform administration → Revenue”): one row per
// change of a tenant's mirrored subscription that matters to revenue (plan, provider status,
// interval, seats). Called inside the mirror's transaction, after the subscriptions row is locked,
// so concurrent applications for one tenant take turns and never write the same change twice.
import type { Prisma } from '../db/generated/client';

export interface SubscriptionChangeInput {
  effectiveAt: Date;
  planKey: string;
  providerStatus: string;
  billingInterval: string | null;
  seatQuantity: number;
  providerSubscriptionId: string | null;
  /** The plan-lab version (its prices are what revenue counts); 1 when absent. */
  planVersion?: number;
}

type Tx = Pick<Prisma.TransactionClient, 'subscriptionChange'>;

export async function recordSubscriptionChange(tx: Tx, organizationId: string, change: SubscriptionChangeInput): Promise<boolean> {
  const last = await tx.subscriptionChange.findFirst({ where: { organizationId }, orderBy: [{ effectiveAt: 'desc' }, { id: 'desc' }] });
  if (
    last &&
    last.planKey === change.planKey &&
    last.providerStatus === change.providerStatus &&
    last.billingInterval === change.billingInterval &&
    last.seatQuantity === change.seatQuantity &&
    last.providerSubscriptionId === change.providerSubscriptionId &&
    last.planVersion === (change.planVersion ?? 1)
  ) {
    return false;
  }
  // An older read arriving late never rewrites history before the latest change.
  const effectiveAt = last && last.effectiveAt > change.effectiveAt ? last.effectiveAt : change.effectiveAt;
  await tx.subscriptionChange.create({ data: { organizationId, ...change, effectiveAt } });
  return true;
}
