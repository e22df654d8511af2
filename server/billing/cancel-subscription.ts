// Use case: the owner cancels at the end of the period (access stays until then) or resumes a
// cancellation not yet in effect. Both audited, both applied to the mirror at once.
import { randomUUID } from 'node:crypto';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { requireEventContext, requireLiveSubscription, requireProvider, type BillingServices } from './billing-console-context';
import { applyStripeObjectNow } from './process-stripe-event';

export async function setCancelAtPeriodEnd(services: BillingServices, actor: Actor, cancel: boolean) {
  const provider = requireProvider(services);
  const ctx = requireEventContext(services);
  const { subscription, subscriptionId } = await requireLiveSubscription(services.db, actor.organizationId);
  const operationId = `${cancel ? 'cancel' : 'resume'}:${randomUUID()}`;
  const summary = cancel
    ? await provider.cancel({ subscriptionId, atPeriodEnd: true, operationId, comment: 'Canceled by the owner from the Meterdesk console' })
    : await provider.resume({ subscriptionId, operationId });
  await recordAuditEvent(services.db.prisma, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    action: cancel ? 'billing.subscription_cancel_scheduled' : 'billing.subscription_resumed',
    targetType: 'subscription',
    targetId: subscriptionId,
    before: { cancelAtPeriodEnd: subscription.cancelAtPeriodEnd },
    after: { cancelAtPeriodEnd: summary.cancelAtPeriodEnd, operationId },
  });
  await applyStripeObjectNow(ctx, { type: 'customer.subscription.updated', id: subscriptionId }, actor.organizationId);
  return { cancelAtPeriodEnd: summary.cancelAtPeriodEnd, currentPeriodEnd: summary.currentPeriodEnd };
}
