// Use case (platform staff): put a tenant on another plan. A tenant with a live Stripe subscription
// changes through the provider (prorated now, or at period end), like an owner's change; a tenant
// billed outside Stripe (comped, enterprise by contract, never subscribed) gets its local
// subscriptions row changed, which is what metering reads.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { BillingProvider, PlanChangeResult } from './billing-provider';
import { auditOncePerRequest, liveProviderSubscriptionId, platformActionInput, platformOperationId, requireProvider, tenantBillingAccount } from './platform-billing-action';
import { findPlan, PLANS, type PlanKey } from './plan-catalog';
import { newSubscriptionTarget, planChangeTarget } from '../plan-lab/plan-versions';

const PLAN_KEYS = PLANS.map((p) => p.key) as [PlanKey, ...PlanKey[]];

export const setTenantPlanInput = platformActionInput.extend({
  planKey: z.enum(PLAN_KEYS),
  interval: z.enum(['month', 'year']).default('month'),
  /** Through the provider only: now (prorated, invoiced at once) or at the end of the period. */
  when: z.enum(['now', 'period_end']).default('now'),
});

export async function setTenantPlan(
  services: { db: Database; clock: Clock; billingProvider: BillingProvider | null },
  actorUserId: string,
  input: z.output<typeof setTenantPlanInput>,
) {
  const { db } = services;
  const account = await tenantBillingAccount(db, input.organizationId);
  const plan = findPlan(input.planKey)!;
  const before = account.subscription ? { planKey: account.subscription.planKey, status: account.subscription.status, interval: account.subscription.billingInterval } : null;
  const request = { organizationId: input.organizationId, requestId: input.requestId, actorUserId, reason: input.reason };
  const subscriptionId = liveProviderSubscriptionId(account);

  if (subscriptionId) {
    const provider = requireProvider(services.billingProvider, `change the plan of ${account.organizationName}, which is billed through Stripe`);
    const activeMembers = await db.prisma.membership.count({ where: { organizationId: input.organizationId, status: 'active' } });
    // The provider refuses too few seats for the active members, with its own words.
    const { target } = await planChangeTarget(db, input.organizationId, input.planKey);
    const result: PlanChangeResult = await provider.changePlan({
      subscriptionId,
      planKey: input.planKey,
      ...(target ? { planVersion: target } : {}),
      interval: input.interval,
      activeMembers,
      when: input.when,
      operationId: platformOperationId('plan', input.requestId),
    });
    const { after } = await auditOncePerRequest(db, request, {
      action: 'platform.plan.set',
      targetType: 'subscription',
      targetId: subscriptionId,
      before,
      after: { planKey: plan.key, interval: input.interval, via: 'stripe', ...serializeResult(result) },
    });
    return after;
  }

  if (input.when === 'period_end') {
    throw new AppError('BAD_REQUEST', `${account.organizationName} has no Stripe subscription, so there is no billing period to wait for: set the plan now.`, { field: 'when' });
  }
  const { after } = await auditOncePerRequest(db, request, {
    action: 'platform.plan.set',
    targetType: 'subscription',
    targetId: input.organizationId,
    before,
    after: { planKey: plan.key, status: 'active', via: 'local' },
    apply: async (tx) => {
      const current = await tx.subscription.findUnique({ where: { organizationId: input.organizationId }, select: { planKey: true, status: true } });
      if (current?.planKey === plan.key && current.status === 'active') throw new AppError('CONFLICT', `${account.organizationName} is already on the ${plan.name} plan.`, { field: 'planKey' });
      // Billed outside Stripe: the local row is the subscription. A trial ends with the change.
      // A new plan starts on its latest published version (plan lab).
      const { version } = await newSubscriptionTarget({ prisma: tx as unknown as Database["prisma"] }, plan.key);
      await tx.subscription.upsert({
        where: { organizationId: input.organizationId },
        create: { organizationId: input.organizationId, planKey: plan.key, planVersion: version, status: 'active' },
        update: { planKey: plan.key, planVersion: version, status: 'active', trialEndsAt: null, cancelAtPeriodEnd: false, canceledAt: null, endedAt: null },
      });
    },
  });
  return after;
}

function serializeResult(result: PlanChangeResult) {
  return result.effective === 'now'
    ? { effective: 'now' as const, invoiceId: result.invoiceId, amountDueMinor: result.amountDueMinor, currency: result.currency }
    : { effective: 'period_end' as const, scheduleId: result.scheduleId, effectiveAt: result.effectiveAt.toISOString() };
}
