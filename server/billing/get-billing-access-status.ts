// Use case: what every member needs to know about the subscription for the console's banners —
// status (past_due/unpaid/canceled block sending), trial days left, suspension. No amounts, no ids.
import type { BillingServices } from './billing-console-context';
import { getAccountState } from '../metering/get-usage-state';
import { AppError } from '../errors';

export async function getBillingAccessStatus(services: Pick<BillingServices, 'db' | 'clock'>, organizationId: string) {
  const now = services.clock.now();
  const [state, sub] = await Promise.all([
    getAccountState(services.db, organizationId, now),
    services.db.prisma.subscription.findUnique({ where: { organizationId }, select: { trialEndsAt: true, cancelAtPeriodEnd: true, currentPeriodEnd: true } }),
  ]);
  if (!state) throw new AppError('NOT_FOUND', 'The organization does not exist.');
  const trialEndsAt = state.status === 'trialing' ? (sub?.trialEndsAt ?? null) : null;
  return {
    status: state.status,
    suspended: state.suspended,
    planName: state.planName,
    trialDaysLeft: trialEndsAt ? Math.max(0, Math.ceil((trialEndsAt.getTime() - now.getTime()) / 86_400_000)) : null,
    cancelAtPeriodEnd: sub?.cancelAtPeriodEnd ?? false,
    currentPeriodEnd: sub?.currentPeriodEnd ?? null,
  };
}
