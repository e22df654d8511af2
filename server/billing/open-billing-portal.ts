// Use case: a Stripe customer portal session for the organization's customer — by default straight
// to updating the payment method. The URL is a short-lived credential: returned, never stored.
import { z } from 'zod';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import { consoleReturnUrl, loadBillingState, requireProvider, type BillingServices } from './billing-console-context';

export const openBillingPortalInput = z.object({ flow: z.enum(['payment_method_update', 'overview']).default('payment_method_update') }).default({ flow: 'payment_method_update' });

export async function openBillingPortal(services: BillingServices, actor: Actor, input: z.output<typeof openBillingPortalInput>) {
  const provider = requireProvider(services);
  const { customer } = await loadBillingState(services.db, actor.organizationId);
  if (!customer) throw new AppError('PRECONDITION_FAILED', 'There is no billing account yet: choose a plan first, then manage the payment method here.');
  const { url } = await provider.createBillingPortalSession({
    customerId: customer.providerCustomerId,
    returnUrl: consoleReturnUrl(services, { portal: 'returned' }),
    flow: input.flow === 'payment_method_update' ? 'payment_method_update' : undefined,
  });
  await recordAuditEvent(services.db.prisma, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'billing.portal_opened', targetType: 'billing_customer', targetId: customer.providerCustomerId, after: { flow: input.flow } });
  return { url };
}
