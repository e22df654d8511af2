// Use case: an owner buys a plan. Stripe Checkout in subscription mode, for the organization's one
// billing customer; the console opens the URL in the system browser and polls checkoutStatus.
// A plan the organization already has, Free, Enterprise, or a second subscription are refused
// with what to do instead.
import { z } from 'zod';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import { consoleReturnUrl, countActiveMembers, loadBillingState, requireProvider, type BillingServices } from './billing-console-context';
import { ensureBillingCustomer } from './ensure-billing-customer';
import { findPlan } from './plan-catalog';
import { getTrialSettings } from '../platform/platform-settings';
import { newSubscriptionTarget } from '../plan-lab/plan-versions';

export const planChoice = z.object({
  planKey: z.enum(['free', 'starter', 'growth', 'pro', 'enterprise']),
  interval: z.enum(['month', 'year']),
});
export const startCheckoutInput = planChoice;

export const CONTACT_SALES = 'The Enterprise plan is sold by our sales team: use “Contact sales” and we will set it up with you.';

export async function startCheckout(services: BillingServices, actor: Actor, input: z.output<typeof startCheckoutInput>) {
  const provider = requireProvider(services);
  const plan = findPlan(input.planKey)!;
  if (!plan.selfServe) throw new AppError('BAD_REQUEST', CONTACT_SALES, { field: 'planKey' });
  if (!plan.prices[input.interval]) throw new AppError('BAD_REQUEST', `The ${plan.name} plan needs no checkout: to move to it, cancel your subscription at the end of the period.`, { field: 'planKey' });
  const state = await loadBillingState(services.db, actor.organizationId);
  if (state.liveSubscriptionId) {
    const same = state.subscription?.planKey === plan.key && state.subscription?.billingInterval === input.interval;
    throw new AppError(
      'CONFLICT',
      same
        ? `You are already on the ${plan.name} plan, billed ${input.interval === 'month' ? 'monthly' : 'yearly'}.`
        : 'This organization already has a subscription: change its plan instead of buying a second one.',
      { field: 'planKey' },
    );
  }
  const customerId = await ensureBillingCustomer(services, provider, actor);
  const activeMembers = await countActiveMembers(services.db, actor.organizationId);
  // New subscriptions get the plan's latest published version (plan lab); existing ones keep theirs.
  const { version, target } = await newSubscriptionTarget(services.db, plan.key);
  const includedSeats = target ? target.includedSeats : plan.includedSeats;
  const extraSeats = includedSeats === null ? 0 : Math.max(0, activeMembers - includedSeats);
  // The platform's trial, once per tenant: a subscription that ever had a trial end gets none again.
  const trial = await getTrialSettings(services.db);
  const trialDays = state.subscription?.trialEndsAt ? 0 : trial.trialDays;
  const session = await provider.createCheckoutSession({
    organizationId: actor.organizationId,
    customerId,
    planKey: plan.key,
    interval: input.interval,
    ...(target ? { planVersion: target } : {}),
    extraSeats,
    ...(trialDays > 0 ? { trialDays, trialEndWithoutPaymentMethod: trial.trialEndWithoutPaymentMethod } : {}),
    successUrl: consoleReturnUrl(services, { checkout: 'success', session_id: '{CHECKOUT_SESSION_ID}' }),
    cancelUrl: consoleReturnUrl(services, { checkout: 'canceled' }),
  });
  // The audit row is also what makes this session the organization's: checkoutStatus only answers
  // for sessions started here.
  await recordAuditEvent(services.db.prisma, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    action: 'billing.checkout_started',
    targetType: 'checkout_session',
    targetId: session.id,
    after: { planKey: plan.key, planVersion: version, interval: input.interval, extraSeats, customerId, trialDays },
  });
  return { sessionId: session.id, url: session.url, expiresAt: session.expiresAt };
}
