// The one processor every Stripe event goes through, whether a webhook delivered it or the poller
// listed it. Idempotent by event id: the event's row is claimed in the same transaction as its
// effect, so concurrent deliveries apply it once. Safe out of order: the objects an event names
// are re-read from Stripe and their current state applied (never the event's snapshot), and the
// mirror refuses a read older than the one it holds. A failure is recorded and retried; an event
// that concerns no tenant of ours (or an unknown type) is recorded as ignored.
import type Stripe from 'stripe';
import type { Clock } from '../clock';
import { stripeEventSchema, type StripeEvent } from './stripe/stripe-event-schema';
import type { Database } from '../db/open-database';
import { logUnexpectedError, redactSecrets } from '../logging/log-error';
import { emitInvoiceEvent } from '../webhooks/emit-billing-webhook-events';
import {
  applyCustomer,
  applyInvoice,
  applyPaymentMethod,
  applySubscription,
  IgnoredEvent,
  removeInvoice,
  removePaymentMethod,
  resolveOrganization,
  type Tx,
} from './mirror-billing-objects';
import {
  paymentMethodSchema,
  readCheckoutSession,
  readCustomer,
  readInvoice,
  readSubscription,
  type CustomerSnapshot,
  type SubscriptionSnapshot,
} from './stripe/read-stripe-objects';

export { stripeEventSchema, type StripeEvent };

export interface StripeEventContext {
  db: Database;
  stripe: Stripe;
  clock: Clock;
}

export type EventSource = 'webhook' | 'poll' | 'retry';
export type ProcessStatus = 'processed' | 'duplicate' | 'ignored' | 'failed';
export interface ProcessOutcome {
  eventId: string;
  type: string;
  status: ProcessStatus;
  /** Why it was ignored or failed. */
  detail?: string;
}


/** What an event means once its objects were read: applied inside the event's transaction. */
type Effect =
  | { kind: 'ignore'; reason: string }
  | { kind: 'apply'; customerId: string; customer: CustomerSnapshot | null; claims: Array<string | null>; run(tx: Tx, organizationId: string): Promise<void> };

export async function processStripeEvent(ctx: StripeEventContext, event: StripeEvent, source: EventSource): Promise<ProcessOutcome> {
  const base = { eventId: event.id, type: event.type };
  const seen = await ctx.db.prisma.billingEvent.findUnique({ where: { eventId: event.id }, select: { status: true } });
  if (seen && seen.status !== 'failed') return { ...base, status: 'duplicate' };

  let effect: Effect;
  try {
    effect = await effectOf(ctx.stripe, event);
  } catch (error) {
    return recordFailure(ctx, event, source, error);
  }
  if (effect.kind === 'ignore') return settle(ctx, event, source, 'ignored', null, effect.reason);

  try {
    const applied = await ctx.db.prisma.$transaction(
      async (tx) => {
        if (!(await claim(tx, ctx.clock, event, source, 'processed', null, null))) return false;
        const organizationId = await resolveOrganization(tx, { customerId: effect.customerId, customer: effect.customer, claims: effect.claims, readAt: new Date() });
        await effect.run(tx, organizationId);
        await tx.billingEvent.update({ where: { eventId: event.id }, data: { organizationId } });
        return true;
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    return { ...base, status: applied ? 'processed' : 'duplicate' };
  } catch (error) {
    // Ignored: the transaction rolled back whatever it began; the event is recorded on its own.
    if (error instanceof IgnoredEvent) return settle(ctx, event, source, 'ignored', null, error.message);
    return recordFailure(ctx, event, source, error);
  }
}

async function settle(ctx: StripeEventContext, event: StripeEvent, source: EventSource, status: 'ignored', organizationId: string | null, reason: string): Promise<ProcessOutcome> {
  const claimed = await ctx.db.prisma.$transaction((tx) => claim(tx, ctx.clock, event, source, status, organizationId, reason));
  return { eventId: event.id, type: event.type, status: claimed ? status : 'duplicate', detail: reason };
}

/** Inserts the event's row, or takes over a failed one; false when it was already settled. */
async function claim(tx: Tx, clock: Clock, event: StripeEvent, source: EventSource, status: 'processed' | 'ignored', organizationId: string | null, detail: string | null): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<unknown[]>(
    `insert into billing_events (event_id, type, provider_created, organization_id, status, attempts, last_error, source, processed_at, updated_at)
     values ($1, $2, $3, $4::uuid, $5::"BillingEventStatus", 1, $6, $7, $8, now())
     on conflict (event_id) do update
        set status = excluded.status, attempts = billing_events.attempts + 1, last_error = excluded.last_error,
            source = excluded.source, next_attempt_at = null, processed_at = excluded.processed_at, updated_at = now()
      where billing_events.status = 'failed'
     returning event_id`,
    event.id,
    event.type,
    new Date(event.created * 1000),
    organizationId,
    status,
    detail,
    source,
    clock.now(),
  );
  return rows.length > 0;
}

const RETRY_BASE_SECONDS = 30;
const RETRY_MAX_SECONDS = 3600;

async function recordFailure(ctx: StripeEventContext, event: StripeEvent, source: EventSource, error: unknown): Promise<ProcessOutcome> {
  const reference = logUnexpectedError(`stripe event ${event.id} (${event.type})`, error);
  const message = redactStripeSecrets(`${error instanceof Error ? error.message : String(error)} (log reference ${reference})`).slice(0, 1000);
  const now = ctx.clock.now();
  await ctx.db.query(
    `insert into billing_events (event_id, type, provider_created, status, attempts, last_error, source, next_attempt_at, updated_at)
     values ($1, $2, $3, 'failed', 1, $4, $5, $6::timestamptz + make_interval(secs => $7), now())
     on conflict (event_id) do update
        set attempts = billing_events.attempts + 1, last_error = excluded.last_error, source = excluded.source,
            next_attempt_at = $6::timestamptz + make_interval(secs => least($8, $7 * power(2, billing_events.attempts))), updated_at = now()
      where billing_events.status = 'failed'`,
    [event.id, event.type, new Date(event.created * 1000), message, source, now, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS],
  );
  return { eventId: event.id, type: event.type, status: 'failed', detail: message };
}

function redactStripeSecrets(text: string) {
  return redactSecrets(text).replace(/\b(sk|rk|whsec)_(test_|live_)?[A-Za-z0-9]+/g, '$1_***');
}

const objectId = (event: StripeEvent) => {
  const id = event.data.object.id;
  if (!id) throw new Error(`${event.type} carries an object without an id`);
  return id;
};
const customerIdOf = (value: unknown): string | null => (typeof value === 'string' ? value : value && typeof value === 'object' && 'id' in value && typeof value.id === 'string' ? value.id : null);

/** Reads what the event names from Stripe and says what to apply. */
async function effectOf(stripe: Stripe, event: StripeEvent): Promise<Effect> {
  const [family] = event.type.split('.');
  if (event.type === 'checkout.session.completed' || event.type === 'checkout.session.async_payment_succeeded') {
    const session = await readCheckoutSession(stripe, objectId(event));
    if (!session?.customerId) return { kind: 'ignore', reason: 'the Checkout Session has no customer' };
    const subscription = session.subscriptionId ? await readSubscription(stripe, session.subscriptionId) : null;
    return withCustomer(stripe, session.customerId, [session.organizationClaim, subscription?.organizationClaim ?? null], subscription, event);
  }
  if (event.type.startsWith('customer.subscription.')) {
    const subscription = await readSubscription(stripe, objectId(event));
    if (!subscription) return { kind: 'ignore', reason: 'the subscription no longer exists' };
    return withCustomer(stripe, subscription.customerId, [subscription.organizationClaim], subscription, event);
  }
  if (family === 'invoice') {
    const invoice = await readInvoice(stripe, objectId(event));
    const customerId = invoice?.customerId ?? customerIdOf(event.data.object.customer);
    if (!customerId) return { kind: 'ignore', reason: 'the invoice names no customer' };
    const customer = await readCustomer(stripe, customerId);
    const subscription = invoice?.subscriptionId ? await readSubscription(stripe, invoice.subscriptionId) : null;
    return {
      kind: 'apply',
      customerId,
      customer,
      claims: [subscription?.organizationClaim ?? null],
      run: async (tx, organizationId) => {
        // Rows are always locked in one order (customer, payment method, invoice, subscription) so
        // concurrent events cannot deadlock.
        if (customer) await applyCustomer(tx, organizationId, customer);
        if (invoice) await applyInvoice(tx, organizationId, invoice);
        else await removeInvoice(tx, organizationId, objectId(event)); // a deleted draft
        await emitInvoiceEvent(tx, organizationId, event, invoice);
        if (subscription?.planKey) await applySubscription(tx, organizationId, subscription, event.id);
      },
    };
  }
  if (event.type === 'customer.created' || event.type === 'customer.updated' || event.type === 'customer.deleted') {
    return withCustomer(stripe, objectId(event), [], null, event);
  }
  if (event.type === 'payment_method.attached' || event.type === 'payment_method.detached') {
    const pm = paymentMethodSchema.parse(event.data.object);
    const customerId = pm.customerId ?? customerIdOf(event.data.previous_attributes?.customer);
    if (!customerId) return { kind: 'ignore', reason: 'the payment method names no customer' };
    const customer = await readCustomer(stripe, customerId);
    return {
      kind: 'apply',
      customerId,
      customer,
      claims: [],
      run: async (tx, organizationId) => {
        // Customer first, then its payment methods: every path locks rows in that order.
        if (customer) await applyCustomer(tx, organizationId, customer);
        // Masked details only.
        if (event.type === 'payment_method.attached' && pm.customerId) await applyPaymentMethod(tx, organizationId, customerId, pm);
        else await removePaymentMethod(tx, organizationId, pm.id);
      },
    };
  }
  return { kind: 'ignore', reason: `Meterdesk does not act on ${event.type}` };
}

async function withCustomer(stripe: Stripe, customerId: string, claims: Array<string | null>, subscription: SubscriptionSnapshot | null, event: StripeEvent): Promise<Effect> {
  const customer = await readCustomer(stripe, customerId);
  return {
    kind: 'apply',
    customerId,
    customer,
    claims,
    run: async (tx, organizationId) => {
      if (customer) await applyCustomer(tx, organizationId, customer);
      if (subscription) await applySubscription(tx, organizationId, subscription, event.id);
    },
  };
}

/** Failed events whose retry time has come, oldest first: fetched again from Stripe and processed. */
export async function retryFailedStripeEvents(ctx: StripeEventContext, limit = 100): Promise<ProcessOutcome[]> {
  const due = await ctx.db.prisma.billingEvent.findMany({
    where: { status: 'failed', OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: ctx.clock.now() } }] },
    orderBy: { providerCreated: 'asc' },
    take: limit,
    select: { eventId: true, type: true, providerCreated: true },
  });
  const outcomes: ProcessOutcome[] = [];
  for (const row of due) {
    let event: StripeEvent;
    try {
      event = stripeEventSchema.parse(await ctx.stripe.events.retrieve(row.eventId));
    } catch (error) {
      // Still failed, retried later (past Stripe's 30 days the resynchronisation covers it).
      const stub = { id: row.eventId, object: 'event' as const, type: row.type, created: Math.floor(row.providerCreated.getTime() / 1000), data: { object: {} } };
      outcomes.push(await recordFailure(ctx, stub, 'retry', error));
      continue;
    }
    outcomes.push(await processStripeEvent(ctx, event, 'retry'));
  }
  return outcomes;
}

/**
 * Applies what Stripe holds now for one object of ours, through the very effect an event about it
 * would have (same reads, same mirror writes, same guards), without waiting for the event: the
 * console calls it after a checkout completes or a plan changes so new limits show at once. The
 * event arriving later finds the mirror already current ('unchanged'). `organizationId` is an extra
 * claim: a customer mapped to another organization is refused, nothing is applied.
 */
export async function applyStripeObjectNow(
  ctx: StripeEventContext,
  object: { type: 'checkout.session.completed' | 'customer.subscription.updated' | 'invoice.updated'; id: string },
  organizationId: string,
): Promise<'applied' | 'ignored'> {
  const envelope: StripeEvent = { id: 'evt_console_refresh', object: 'event', type: object.type, created: Math.floor(ctx.clock.now().getTime() / 1000), data: { object: { id: object.id } } };
  const effect = await effectOf(ctx.stripe, envelope);
  if (effect.kind === 'ignore') return 'ignored';
  try {
    await ctx.db.prisma.$transaction(
      async (tx) => {
        const resolved = await resolveOrganization(tx, { customerId: effect.customerId, customer: effect.customer, claims: [...effect.claims, organizationId], readAt: new Date() });
        await effect.run(tx, resolved);
      },
      { timeout: 30_000, maxWait: 30_000 },
    );
    return 'applied';
  } catch (error) {
    if (error instanceof IgnoredEvent) return 'ignored';
    throw error;
  }
}
