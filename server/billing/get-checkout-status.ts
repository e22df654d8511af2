// Use case: the console polls the Checkout session it opened. Once Stripe says it is complete, the
// session's customer and subscription are applied through the event processor's own effect (not a
// second code path), so the new plan and limits show before the webhook or the poller arrives.
import { z } from 'zod';
import type { Actor } from '../members/member-scope';
import { AppError } from '../errors';
import { applyStripeObjectNow } from './process-stripe-event';
import { requireEventContext, type BillingServices } from './billing-console-context';
import { listInvoices, readCheckoutSession } from './stripe/read-stripe-objects';

export const checkoutStatusInput = z.object({ sessionId: z.string().regex(/^cs_[A-Za-z0-9_]{1,250}$/, 'not a Checkout session id') });

export async function getCheckoutStatus(services: BillingServices, actor: Actor, input: z.output<typeof checkoutStatusInput>) {
  const ctx = requireEventContext(services);
  // Only sessions this organization started (a foreign id reads as unknown, nothing is fetched).
  const started = await services.db.prisma.auditEvent.findFirst({
    where: { organizationId: actor.organizationId, action: 'billing.checkout_started', targetId: input.sessionId },
    select: { id: true },
  });
  if (!started) throw new AppError('NOT_FOUND', 'No checkout with this id was started in this organization.', { field: 'sessionId' });
  const session = await readCheckoutSession(ctx.stripe, input.sessionId);
  if (!session) throw new AppError('NOT_FOUND', 'Stripe no longer knows this checkout: start it again from the Billing page.', { field: 'sessionId' });
  if (session.status !== 'complete') return { status: (session.status ?? 'open') as 'open' | 'expired', planKey: null };
  const outcome = await applyStripeObjectNow(ctx, { type: 'checkout.session.completed', id: session.id }, actor.organizationId);
  if (outcome === 'ignored') throw new AppError('CONFLICT', 'This checkout belongs to another billing customer than this organization’s. Contact support.');
  // The first invoice (paid by the checkout) too, so the invoices list is complete at once.
  if (session.customerId) {
    for (const invoice of await listInvoices(ctx.stripe, session.customerId, 3)) {
      await applyStripeObjectNow(ctx, { type: 'invoice.updated', id: invoice.id }, actor.organizationId);
    }
  }
  const sub = await services.db.prisma.subscription.findUnique({ where: { organizationId: actor.organizationId }, select: { planKey: true } });
  return { status: 'complete' as const, planKey: sub?.planKey ?? null };
}
