// Applying provider state to the mirror tables, inside the transaction that records the event.
// Every write is guarded so that an older read never overwrites a newer one (provider_state_at),
// and a subscription that is over never replaces a live one of the same organization.
import type { Prisma } from '../db/generated/client';
import { recordAuditEvent } from '../audit/record-audit-event';
import { emitSubscriptionUpdated } from '../webhooks/emit-billing-webhook-events';
import { recordSubscriptionChange } from './record-subscription-change';
import type { CustomerSnapshot, InvoiceSnapshot, MaskedPaymentMethod, SubscriptionSnapshot } from './stripe/read-stripe-objects';

export type Tx = Prisma.TransactionClient;

/** An event that does not concern a tenant of ours, or claims one it may not touch: recorded as ignored. */
export class IgnoredEvent extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The organization a provider customer belongs to. A known customer maps to its organization and
 * nothing else; an unknown one is adopted only from our own metadata (set when we created it, or on
 * the Checkout Session we opened), and only by an organization with no other customer. Any other
 * organization id on the way (subscription or session metadata) must agree, or nothing is applied.
 */
export async function resolveOrganization(tx: Tx, args: { customerId: string; customer: CustomerSnapshot | null; claims: Array<string | null | undefined>; readAt: Date }): Promise<string> {
  const claims = [args.customer?.organizationClaim, ...args.claims].filter((c): c is string => !!c);
  // A global lookup by customer id: one row per organization, so small; no index leads with it.
  const [mapped] = await tx.$queryRawUnsafe<Array<{ organization_id: string }>>(
    'select organization_id::text from billing_customers where provider_customer_id = $1',
    args.customerId,
  );
  const organizationId = mapped?.organization_id ?? claims[0];
  if (!organizationId) throw new IgnoredEvent(`customer ${args.customerId} belongs to no Meterdesk organization`);
  const foreign = claims.find((c) => c !== organizationId);
  if (foreign) throw new IgnoredEvent(`customer ${args.customerId} is mapped to another organization than the event claims`);
  if (mapped) return organizationId;

  if (!UUID.test(organizationId)) throw new IgnoredEvent(`customer ${args.customerId} names an organization id that is not one`);
  const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { id: true } });
  if (!org) throw new IgnoredEvent(`customer ${args.customerId} names an organization that does not exist here`);
  const sub = await tx.subscription.findUnique({ where: { organizationId }, select: { providerCustomerId: true } });
  if (sub?.providerCustomerId && sub.providerCustomerId !== args.customerId) {
    throw new IgnoredEvent(`organization already has customer ${sub.providerCustomerId}, not ${args.customerId}`);
  }
  const inserted = await tx.$queryRawUnsafe<Array<{ organization_id: string }>>(
    `insert into billing_customers (organization_id, provider_customer_id, provider_state_at, updated_at)
     values ($1::uuid, $2, to_timestamp(0), now()) on conflict (organization_id) do nothing returning organization_id::text`,
    organizationId,
    args.customerId,
  );
  if (!inserted.length) {
    // Another delivery for this customer may have linked it a moment ago (read committed: this
    // statement sees its commit); any other customer is refused.
    const [row] = await tx.$queryRawUnsafe<Array<{ provider_customer_id: string }>>('select provider_customer_id from billing_customers where organization_id = $1::uuid', organizationId);
    if (row?.provider_customer_id === args.customerId) return organizationId;
    throw new IgnoredEvent(`organization already has another billing customer than ${args.customerId}`);
  }
  await recordAuditEvent(tx, { organizationId, action: 'billing.customer_linked', targetType: 'billing_customer', targetId: args.customerId, after: { providerCustomerId: args.customerId }, reason: 'Stripe event' });
  return organizationId;
}

export async function applyCustomer(tx: Tx, organizationId: string, c: CustomerSnapshot): Promise<void> {
  const pm = c.defaultPaymentMethod;
  await tx.$executeRawUnsafe(
    `update billing_customers set email = $3, country = $4, is_business = $5, default_pm_brand = $6, default_pm_last4 = $7,
            default_pm_exp_month = $8, default_pm_exp_year = $9, deleted_at = case when $10 then coalesce(deleted_at, now()) end,
            provider_state_at = $11, updated_at = now()
      where organization_id = $1::uuid and provider_customer_id = $2 and provider_state_at <= $11`,
    organizationId,
    c.id,
    c.email,
    c.country,
    c.isBusiness,
    pm?.brand ?? null,
    pm?.last4 ?? null,
    pm?.expMonth ?? null,
    pm?.expYear ?? null,
    c.deleted,
    c.readAt,
  );
  if (pm) await applyPaymentMethod(tx, organizationId, c.id, pm);
}

export async function applyPaymentMethod(tx: Tx, organizationId: string, customerId: string, pm: MaskedPaymentMethod): Promise<void> {
  await tx.$executeRawUnsafe(
    `insert into billing_payment_methods (organization_id, provider_payment_method_id, provider_customer_id, type, brand, last4, exp_month, exp_year, provider_created, updated_at)
     values ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, now())
     on conflict (organization_id, provider_payment_method_id) do update
        set provider_customer_id = excluded.provider_customer_id, type = excluded.type, brand = excluded.brand, last4 = excluded.last4,
            exp_month = excluded.exp_month, exp_year = excluded.exp_year, updated_at = now()`,
    organizationId, pm.id, customerId, pm.type, pm.brand, pm.last4, pm.expMonth, pm.expYear, pm.created,
  );
}

export async function removePaymentMethod(tx: Tx, organizationId: string, paymentMethodId: string): Promise<void> {
  await tx.billingPaymentMethod.deleteMany({ where: { organizationId, providerPaymentMethodId: paymentMethodId } });
}

export async function applyInvoice(tx: Tx, organizationId: string, i: InvoiceSnapshot): Promise<void> {
  await tx.$executeRawUnsafe(
    `insert into billing_invoices (organization_id, provider_invoice_id, provider_customer_id, provider_subscription_id, number, status, currency,
            amount_due, amount_paid, amount_remaining, total, tax, hosted_invoice_url, invoice_pdf, period_start, period_end,
            provider_created, provider_state_at, updated_at)
     values ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, now())
     on conflict (organization_id, provider_invoice_id) do update
        set provider_customer_id = excluded.provider_customer_id, provider_subscription_id = excluded.provider_subscription_id,
            number = excluded.number, status = excluded.status, currency = excluded.currency, amount_due = excluded.amount_due,
            amount_paid = excluded.amount_paid, amount_remaining = excluded.amount_remaining, total = excluded.total, tax = excluded.tax,
            hosted_invoice_url = excluded.hosted_invoice_url, invoice_pdf = excluded.invoice_pdf, period_start = excluded.period_start,
            period_end = excluded.period_end, provider_created = excluded.provider_created, provider_state_at = excluded.provider_state_at, updated_at = now()
      where billing_invoices.provider_state_at <= excluded.provider_state_at`,
    organizationId, i.id, i.customerId, i.subscriptionId, i.number, i.status, i.currency,
    i.amountDue, i.amountPaid, i.amountRemaining, i.total, i.tax, i.hostedInvoiceUrl, i.invoicePdf, i.periodStart, i.periodEnd,
    i.created, i.readAt,
  );
}

export async function removeInvoice(tx: Tx, organizationId: string, invoiceId: string): Promise<void> {
  await tx.billingInvoice.deleteMany({ where: { organizationId, providerInvoiceId: invoiceId } });
}

const LIVE = new Set(['trialing', 'active', 'past_due', 'unpaid', 'paused']);

/**
 * What access follows from Stripe's status (the metering engine reads `status` and `plan_key`):
 * a subscription not yet paid for (incomplete) or never paid (incomplete_expired) leaves the
 * organization on the free plan; a paused one sends nothing until it is resumed, like unpaid.
 */
function accessFor(s: SubscriptionSnapshot): { planKey: string; status: 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' } {
  switch (s.providerStatus) {
    case 'incomplete':
    case 'incomplete_expired':
      return { planKey: 'free', status: 'active' };
    case 'paused':
      return { planKey: s.planKey!, status: 'unpaid' };
    default:
      return { planKey: s.planKey!, status: s.providerStatus as 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' };
  }
}

export async function applySubscription(tx: Tx, organizationId: string, s: SubscriptionSnapshot, eventId: string): Promise<'applied' | 'unchanged' | 'superseded'> {
  if (!s.planKey) throw new IgnoredEvent(`subscription ${s.id} has no price of the Meterdesk catalog`);
  // The organization's row, created if missing and then locked: concurrent applications for one
  // organization take turns, and each sees what the one before it wrote.
  const created = await tx.$queryRawUnsafe<unknown[]>(
    `insert into subscriptions (organization_id, plan_key, updated_at) values ($1::uuid, 'free', now()) on conflict (organization_id) do nothing returning organization_id`,
    organizationId,
  );
  const [row] = await tx.$queryRawUnsafe<
    Array<{ plan_key: string; plan_version: number; status: string; provider_subscription_id: string | null; provider_status: string | null; provider_created: Date | null; provider_state_at: Date | null; cancel_at_period_end: boolean; seat_quantity: number }>
  >(
    `select plan_key, plan_version, status::text, provider_subscription_id, provider_status, provider_created, provider_state_at, cancel_at_period_end, seat_quantity
       from subscriptions where organization_id = $1::uuid for update`,
    organizationId,
  );
  const current = created.length ? undefined : row;
  if (current?.provider_subscription_id === s.id) {
    if (current.provider_state_at && current.provider_state_at > s.readAt) return 'superseded';
  } else if (current?.provider_subscription_id && current.provider_status && LIVE.has(current.provider_status)) {
    // Another subscription is mirrored and live: an ended one, or an older one, does not replace it.
    if (!LIVE.has(s.providerStatus)) return 'superseded';
    if (current.provider_created && current.provider_created > s.created) return 'superseded';
  }
  const access = accessFor(s);
  const data = {
    planKey: access.planKey,
    // The version follows the price (grandfathering: a renewal keeps it; a migration switches it).
    planVersion: access.planKey === s.planKey ? (s.planVersion ?? 1) : 1,
    status: access.status,
    billingAnchor: s.billingAnchor,
    currentPeriodStart: s.periodStart,
    currentPeriodEnd: s.periodEnd,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    trialEndsAt: s.trialEnd,
    provider: 'stripe',
    providerCustomerId: s.customerId,
    providerSubscriptionId: s.id,
    providerStatus: s.providerStatus,
    providerPriceLookupKey: s.lookupKey,
    billingInterval: s.interval,
    seatQuantity: s.seatQuantity,
    providerCreated: s.created,
    providerStateAt: s.readAt,
    canceledAt: s.canceledAt,
    endedAt: s.endedAt,
  };
  await tx.subscription.upsert({ where: { organizationId }, create: { organizationId, ...data }, update: data });
  // A plan-lab migration to the version the subscription is now on is complete (server/plan-lab/migrate-tenants-to-version.ts).
  await tx.$executeRawUnsafe(
    `update plan_version_migrations set status = 'done', updated_at = now() where organization_id = $1::uuid and plan_key = $2 and to_version = $3 and status in ('scheduled', 'pending')`,
    organizationId,
    data.planKey,
    data.planVersion,
  );
  await recordSubscriptionChange(tx, organizationId, { effectiveAt: s.readAt, planKey: data.planKey, providerStatus: s.providerStatus, billingInterval: s.interval, seatQuantity: s.seatQuantity, providerSubscriptionId: s.id, planVersion: data.planVersion });
  const before = current
    ? { planKey: current.plan_key, planVersion: current.plan_version, status: current.status, providerStatus: current.provider_status, cancelAtPeriodEnd: current.cancel_at_period_end, seatQuantity: current.seat_quantity, providerSubscriptionId: current.provider_subscription_id }
    : null;
  const after = { planKey: data.planKey, planVersion: data.planVersion, status: data.status, providerStatus: data.providerStatus, cancelAtPeriodEnd: data.cancelAtPeriodEnd, seatQuantity: data.seatQuantity, providerSubscriptionId: s.id };
  if (JSON.stringify(before) === JSON.stringify(after)) return 'unchanged';
  await recordAuditEvent(tx, { organizationId, action: 'billing.subscription_changed', targetType: 'subscription', targetId: s.id, before, after, reason: `Stripe ${eventId}` });
  await emitSubscriptionUpdated(tx, organizationId, { before, after, stripeEventId: eventId, at: s.readAt });
  return 'applied';
}
