// Use case: the owner confirms a plan change — now, prorated and invoiced at the previewed
// proration date, or at the period end through a subscription schedule. The operation id is derived
// from what was confirmed, so a double click or a retried request changes (and charges) once.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { countActiveMembers, requireEventContext, requireLiveSubscription, requireProvider, type BillingServices } from './billing-console-context';
import { applyStripeObjectNow } from './process-stripe-event';
import { changeTarget } from './preview-plan-change';
import { planChoice } from './start-checkout';
import { planChangeTarget } from '../plan-lab/plan-versions';

export const changePlanInput = planChoice.extend({
  when: z.enum(['now', 'period_end']),
  /** From previewChange (seconds since the epoch): the charge is computed at that instant. */
  prorationDate: z.number().int().positive().optional(),
});

export async function changePlan(services: BillingServices, actor: Actor, input: z.output<typeof changePlanInput>) {
  const provider = requireProvider(services);
  const ctx = requireEventContext(services);
  const plan = changeTarget(input);
  const { subscription, subscriptionId } = await requireLiveSubscription(services.db, actor.organizationId);
  const activeMembers = await countActiveMembers(services.db, actor.organizationId);
  const operationId = `plan-change:${createHash('sha256').update(JSON.stringify([actor.organizationId, subscriptionId, plan.key, input.interval, input.when, input.prorationDate ?? null])).digest('hex').slice(0, 40)}`;
  // Same plan: the version they are on; another plan: its latest published version (plan lab).
  const { target } = await planChangeTarget(services.db, actor.organizationId, plan.key);
  const result = await provider.changePlan({
    subscriptionId,
    planKey: plan.key,
    ...(target ? { planVersion: target } : {}),
    interval: input.interval,
    activeMembers,
    when: input.when,
    prorationDate: input.when === 'now' ? input.prorationDate : undefined,
    operationId,
  });
  await recordAuditEvent(services.db.prisma, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    action: 'billing.plan_changed',
    targetType: 'subscription',
    targetId: subscriptionId,
    before: { planKey: subscription.planKey, interval: subscription.billingInterval },
    after: { planKey: plan.key, interval: input.interval, when: input.when, operationId, ...(result.effective === 'now' ? { invoiceId: result.invoiceId, amountDueMinor: result.amountDueMinor, currency: result.currency } : { effectiveAt: result.effectiveAt.toISOString() }) },
  });
  // The new limits apply at once (a change now), through the processor's own effect.
  await applyStripeObjectNow(ctx, { type: 'customer.subscription.updated', id: subscriptionId }, actor.organizationId);
  if (result.effective === 'now' && result.invoiceId) await applyStripeObjectNow(ctx, { type: 'invoice.updated', id: result.invoiceId }, actor.organizationId);
  return result;
}
