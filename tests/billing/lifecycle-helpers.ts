// The lifecycle suite's targets: the stand-in always, and real Stripe test mode when
// STRIPE_TEST_SECRET_KEY is set (never under CI: the tests must not depend on the network).
// Scenarios run on a test clock in both, through the real `stripe` client and StripeProvider.
import type Stripe from 'stripe';
import { createStripeClient } from '../../server/billing/stripe/stripe-client';
import { loadStripeSdk } from '../../server/billing/stripe/stripe-sdk';
import { StripeProvider } from '../../server/billing/stripe/stripe-provider';
import { PLANS, SEAT_PRICES, type BillingInterval, type PlanKey } from '../../server/billing/plan-catalog';
import { startStripeStandIn, type StripeStandIn } from '../stand-ins/stripe/server';
import type { DunningSettings } from '../stand-ins/stripe/store';

export interface LifecycleTarget {
  name: 'stand-in' | 'stripe test mode';
  /** Why the target is skipped, when it is. */
  skip?: string;
}

const realKey = process.env.STRIPE_TEST_SECRET_KEY;
export const TARGETS: LifecycleTarget[] = [
  { name: 'stand-in' },
  {
    name: 'stripe test mode',
    skip: !realKey
      ? 'STRIPE_TEST_SECRET_KEY is not set'
      : process.env.CI
        ? 'CI runs without the network'
        : !realKey.startsWith('sk_test_') && !realKey.startsWith('rk_test_')
          ? 'STRIPE_TEST_SECRET_KEY is not a test-mode key'
          : undefined,
  },
];

export interface LifecycleEnv {
  target: LifecycleTarget['name'];
  provider: StripeProvider;
  stripe: Stripe;
  standIn?: StripeStandIn;
  /** The clock's start for new scenarios (seconds). */
  startTime(): number;
  close(): Promise<void>;
}

export async function openLifecycleEnv(target: LifecycleTarget['name'], options: { dunning?: Partial<DunningSettings> } = {}): Promise<LifecycleEnv> {
  await loadStripeSdk();
  if (target === 'stand-in') {
    const standIn = await startStripeStandIn({ dunning: options.dunning });
    const clientOptions = { secretKey: standIn.secretKey, apiBase: standIn.url, maxNetworkRetries: 3, timeoutMs: 5_000 };
    const provider = new StripeProvider({ ...clientOptions, retryBaseMs: 5 });
    await provider.syncCatalog();
    return { target, provider, stripe: createStripeClient(clientOptions), standIn, startTime: () => 1_800_000_000, close: () => standIn.close() };
  }
  const clientOptions = { secretKey: realKey!, maxNetworkRetries: 3, timeoutMs: 30_000 };
  const provider = new StripeProvider(clientOptions);
  await provider.syncCatalog();
  return { target, provider, stripe: createStripeClient(clientOptions), startTime: () => Math.floor(Date.now() / 1000), close: async () => {} };
}

export interface Scenario {
  clockId: string;
  customerId: string;
  subscriptionId: string;
  start: number;
}

export async function priceId(stripe: Stripe, lookupKey: string): Promise<string> {
  const found = await stripe.prices.list({ lookup_keys: [lookupKey], active: true });
  if (!found.data[0]) throw new Error(`no price ${lookupKey}: catalog not synced`);
  return found.data[0].id;
}

/** A customer on a fresh test clock, with a card (or none) and a subscription to the plan. */
export async function startScenario(
  env: LifecycleEnv,
  args: {
    plan: PlanKey;
    interval?: BillingInterval;
    card?: 'pm_card_visa' | 'pm_card_chargeCustomerFail' | null;
    trialDays?: number;
    missingPaymentMethod?: 'cancel' | 'create_invoice' | 'pause';
    extraSeats?: number;
  },
): Promise<Scenario> {
  const { stripe } = env;
  const interval = args.interval ?? 'month';
  const start = env.startTime();
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start, name: `meterdesk lifecycle ${args.plan}` });
  const customer = await stripe.customers.create({ name: 'Lifecycle Co', email: 'billing@lifecycle.test', test_clock: clock.id });
  const card = args.card === undefined ? 'pm_card_visa' : args.card;
  if (card) {
    const pm = await stripe.paymentMethods.attach(card, { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  }
  const plan = PLANS.find((p) => p.key === args.plan)!;
  const items: Stripe.SubscriptionCreateParams.Item[] = [{ price: await priceId(stripe, plan.prices[interval]!.lookupKey), quantity: 1 }];
  if (args.extraSeats) items.push({ price: await priceId(stripe, SEAT_PRICES[interval].lookupKey), quantity: args.extraSeats });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items,
    metadata: { meterdesk_plan: plan.key },
    ...(args.trialDays ? { trial_period_days: args.trialDays, trial_settings: { end_behavior: { missing_payment_method: args.missingPaymentMethod ?? 'create_invoice' } } } : {}),
  });
  return { clockId: clock.id, customerId: customer.id, subscriptionId: subscription.id, start };
}

/** Moves the clock and waits until Stripe (or the stand-in) has lived through the time in between. */
export async function advanceClock(env: LifecycleEnv, clockId: string, to: number) {
  await env.stripe.testHelpers.testClocks.advance(clockId, { frozen_time: to });
  const pollMs = env.standIn ? 2 : 2_000;
  const deadline = Date.now() + (env.standIn ? 5_000 : 120_000);
  for (;;) {
    const clock = await env.stripe.testHelpers.testClocks.retrieve(clockId);
    if (clock.status === 'ready' && clock.frozen_time === to) return;
    if (clock.status === 'internal_failure') throw new Error(`test clock ${clockId} failed while advancing`);
    if (Date.now() > deadline) throw new Error(`test clock ${clockId} still ${clock.status} after advancing to ${to}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function clockTime(env: LifecycleEnv, clockId: string) {
  return (await env.stripe.testHelpers.testClocks.retrieve(clockId)).frozen_time;
}

export async function invoicesOf(env: LifecycleEnv, subscriptionId: string) {
  return (await env.stripe.invoices.list({ subscription: subscriptionId, limit: 100 })).data;
}

/** Event types recorded for an object, oldest first. */
export async function eventTypesFor(env: LifecycleEnv, objectId: string, types: string[]) {
  const out: string[] = [];
  // Events carry wall-clock times, not the test clock's: the last hour covers a test run.
  for await (const e of env.stripe.events.list({ types, limit: 100, created: { gte: Math.floor(Date.now() / 1000) - 3600 } })) {
    if ((e.data.object as { id?: string }).id === objectId) out.push(e.type);
  }
  return out.reverse();
}

export const DAY = 86_400;
