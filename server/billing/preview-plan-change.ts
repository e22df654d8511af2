// Use case: what a plan change would charge now (Stripe's invoice preview), shown before the owner
// confirms. The preview's prorationDate goes back with the confirmation so the charge is the one shown.
import { z } from 'zod';
import type { Actor } from '../members/member-scope';
import { AppError } from '../errors';
import { countActiveMembers, requireLiveSubscription, requireProvider, type BillingServices } from './billing-console-context';
import { findPlan } from './plan-catalog';
import { planChangeTarget } from '../plan-lab/plan-versions';
import { CONTACT_SALES, planChoice } from './start-checkout';

export const previewPlanChangeInput = planChoice;

/** The plan asked for, refused when it cannot be changed to online. */
export function changeTarget(input: z.output<typeof planChoice>) {
  const plan = findPlan(input.planKey)!;
  if (!plan.selfServe) throw new AppError('BAD_REQUEST', CONTACT_SALES, { field: 'planKey' });
  if (!plan.prices[input.interval]) throw new AppError('BAD_REQUEST', `To move to ${plan.name}, cancel your subscription: it ends at the close of the period.`, { field: 'planKey' });
  return plan;
}

export async function previewPlanChange(services: BillingServices, actor: Actor, input: z.output<typeof previewPlanChangeInput>) {
  const provider = requireProvider(services);
  const plan = changeTarget(input);
  const { subscriptionId } = await requireLiveSubscription(services.db, actor.organizationId);
  const activeMembers = await countActiveMembers(services.db, actor.organizationId);
  const { target } = await planChangeTarget(services.db, actor.organizationId, plan.key);
  const preview = await provider.previewChange({ subscriptionId, planKey: plan.key, interval: input.interval, activeMembers, ...(target ? { planVersion: target } : {}) });
  return { planKey: plan.key, planName: plan.name, interval: input.interval, ...preview };
}
