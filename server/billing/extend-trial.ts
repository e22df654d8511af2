// Use case (platform staff): extend a tenant's trial to a later end. On a Stripe subscription the
// provider moves trial_end (no proration); for a tenant without one, the local subscriptions row
// (what metering reads) gets the new end. An absolute end, not "n more days": a double submission
// cannot extend twice.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { BillingProvider } from './billing-provider';
import { auditOncePerRequest, liveProviderSubscriptionId, platformActionInput, platformOperationId, requireProvider, tenantBillingAccount } from './platform-billing-action';

/** Stripe accepts a trial end at most two years ahead; a platform extension stays well inside that. */
export const MAX_TRIAL_EXTENSION_DAYS = 365;

export const extendTrialInput = platformActionInput.extend({
  trialEndsAt: z.coerce.date(),
});

export async function extendTrial(
  services: { db: Database; clock: Clock; billingProvider: BillingProvider | null },
  actorUserId: string,
  input: z.output<typeof extendTrialInput>,
) {
  const { db, clock } = services;
  const now = clock.now();
  if (input.trialEndsAt <= now) throw new AppError('BAD_REQUEST', 'The new trial end must be in the future.', { field: 'trialEndsAt' });
  if (input.trialEndsAt.getTime() > now.getTime() + MAX_TRIAL_EXTENSION_DAYS * 86_400_000) {
    throw new AppError('BAD_REQUEST', `A trial can run at most ${MAX_TRIAL_EXTENSION_DAYS} days from today.`, { field: 'trialEndsAt' });
  }
  const account = await tenantBillingAccount(db, input.organizationId);
  const request = { organizationId: input.organizationId, requestId: input.requestId, actorUserId, reason: input.reason };
  const before = { trialEndsAt: account.subscription?.trialEndsAt?.toISOString() ?? null, status: account.subscription?.status ?? null };
  const subscriptionId = liveProviderSubscriptionId(account);

  if (subscriptionId) {
    const provider = requireProvider(services.billingProvider, `extend the trial of ${account.organizationName}, which is billed through Stripe`);
    const summary = await provider.extendTrial({ subscriptionId, trialEnd: input.trialEndsAt, operationId: platformOperationId('trial', input.requestId) });
    const { after } = await auditOncePerRequest(db, request, {
      action: 'platform.trial.extend',
      targetType: 'subscription',
      targetId: subscriptionId,
      before,
      after: { trialEndsAt: summary.trialEnd?.toISOString() ?? null, status: summary.status, via: 'stripe' },
    });
    return after;
  }

  const { after } = await auditOncePerRequest(db, request, {
    action: 'platform.trial.extend',
    targetType: 'subscription',
    targetId: input.organizationId,
    before,
    after: { trialEndsAt: input.trialEndsAt.toISOString(), status: 'trialing', via: 'local' },
    apply: async (tx) => {
      const current = await tx.subscription.findUnique({ where: { organizationId: input.organizationId }, select: { status: true, trialEndsAt: true } });
      if (!current || current.status !== 'trialing') {
        throw new AppError('PRECONDITION_FAILED', `${account.organizationName} is not in a trial${current ? ` (its subscription is ${current.status})` : ''}: only a trial can be extended.`);
      }
      if (current.trialEndsAt && input.trialEndsAt <= current.trialEndsAt) {
        throw new AppError('BAD_REQUEST', `The trial already runs until ${current.trialEndsAt.toISOString().slice(0, 16).replace('T', ' ')} UTC: choose a later end.`, { field: 'trialEndsAt' });
      }
      await tx.subscription.update({ where: { organizationId: input.organizationId }, data: { trialEndsAt: input.trialEndsAt } });
    },
  });
  return after;
}
