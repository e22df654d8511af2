// What the console's billing use cases share: the services they need, the "not set up" refusal,
// where Stripe sends the person back to, and the acting organization's subscription and customer
// (always read by the acting organization's id, never by an id from the client).
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { BillingProvider } from './billing-provider';
import type { StripeEventContext } from './process-stripe-event';
import type { StripeEventSource } from './stripe/stripe-event-source';

export interface BillingServices {
  db: Database;
  clock: Clock;
  consoleUrl: string | null;
  billingProvider: BillingProvider | null;
  stripeEvents?: StripeEventSource | null;
}

export const NOT_CONFIGURED = 'Billing is not set up on this server: set STRIPE_SECRET_KEY (and restart) to take payments.';

export function requireProvider(services: BillingServices): BillingProvider {
  if (!services.billingProvider) throw new AppError('PRECONDITION_FAILED', NOT_CONFIGURED);
  return services.billingProvider;
}

/** The event processor's context, to apply provider objects to the mirror the way events do. */
export function requireEventContext(services: BillingServices): StripeEventContext {
  if (!services.stripeEvents) throw new AppError('PRECONDITION_FAILED', NOT_CONFIGURED);
  return { db: services.db, stripe: services.stripeEvents.stripe, clock: services.clock };
}

/** Where Stripe's pages send the person back: the browser console, or the desktop's deep link. */
export function consoleReturnUrl(services: Pick<BillingServices, 'consoleUrl'>, query: Record<string, string>): string {
  const search = Object.entries(query)
    // Stripe fills {CHECKOUT_SESSION_ID} in itself: its braces must stay as they are.
    .map(([k, v]) => `${k}=${v === '{CHECKOUT_SESSION_ID}' ? v : encodeURIComponent(v)}`)
    .join('&');
  const suffix = search ? `?${search}` : '';
  return services.consoleUrl ? `${services.consoleUrl.replace(/\/?$/, '/')}#/billing${suffix}` : `meterdesk://billing/checkout${suffix}`;
}

/** Provider statuses of a subscription that still runs (a new checkout would make a second one). */
export const LIVE_PROVIDER_STATUSES = new Set(['trialing', 'active', 'past_due', 'unpaid', 'incomplete', 'paused']);

export async function loadBillingState(db: Database, organizationId: string) {
  const [subscription, customer] = await Promise.all([
    db.prisma.subscription.findUnique({ where: { organizationId } }),
    db.prisma.billingCustomer.findUnique({ where: { organizationId } }),
  ]);
  const live = !!subscription?.providerSubscriptionId && LIVE_PROVIDER_STATUSES.has(subscription.providerStatus ?? '');
  return { subscription, customer: customer && !customer.deletedAt ? customer : null, liveSubscriptionId: live ? subscription!.providerSubscriptionId! : null };
}

/** The live provider subscription, or a refusal that says what to do instead. */
export async function requireLiveSubscription(db: Database, organizationId: string) {
  const state = await loadBillingState(db, organizationId);
  if (!state.liveSubscriptionId || !state.subscription) {
    throw new AppError('PRECONDITION_FAILED', 'This organization has no paid subscription yet: choose a plan on the Billing page to subscribe.');
  }
  return { ...state, subscription: state.subscription, subscriptionId: state.liveSubscriptionId };
}

export async function countActiveMembers(db: Database, organizationId: string): Promise<number> {
  return db.prisma.membership.count({ where: { organizationId, status: 'active' } });
}
