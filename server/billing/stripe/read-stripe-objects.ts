// Re-reading the objects an event names, so that what is applied is Stripe's current state, not
// the (possibly older, possibly reordered) snapshot inside the event. Only the fields the mirror
// keeps are read, each checked with zod; payment methods are reduced to their masked details here.
import type Stripe from 'stripe';
import { stripeErrors } from './stripe-sdk';
import { z } from 'zod';
import { isSeatPriceLookupKey, parsePlanPriceLookupKey, type BillingInterval, type PlanKey } from '../plan-catalog';

export const ORGANIZATION_METADATA_KEY = 'meterdesk_organization_id';

const seconds = z.number().int().nonnegative();
const toDate = (s: number | null | undefined) => (s == null ? null : new Date(s * 1000));
const metadata = z.record(z.string(), z.string()).nullish();
const idOf = z.union([z.string(), z.object({ id: z.string() })]).transform((v) => (typeof v === 'string' ? v : v.id));

export interface MaskedPaymentMethod {
  id: string;
  customerId: string | null;
  type: string;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  created: Date;
}

export const paymentMethodSchema = z
  .object({
    id: z.string().startsWith('pm_'),
    object: z.literal('payment_method'),
    type: z.string().max(100),
    customer: idOf.nullish(),
    created: seconds,
    card: z.object({ brand: z.string().max(50), last4: z.string().regex(/^\d{4}$/), exp_month: z.number().int(), exp_year: z.number().int() }).nullish(),
  })
  .transform(
    (pm): MaskedPaymentMethod => ({
      id: pm.id,
      customerId: pm.customer ?? null,
      type: pm.type,
      brand: pm.card?.brand ?? null,
      last4: pm.card?.last4 ?? null,
      expMonth: pm.card?.exp_month ?? null,
      expYear: pm.card?.exp_year ?? null,
      created: new Date(pm.created * 1000),
    }),
  );

export interface CustomerSnapshot {
  id: string;
  deleted: boolean;
  organizationClaim: string | null;
  email: string | null;
  country: string | null;
  isBusiness: boolean | null;
  defaultPaymentMethod: MaskedPaymentMethod | null;
  readAt: Date;
}

const customerSchema = z.union([
  z.object({ id: z.string().startsWith('cus_'), deleted: z.literal(true) }),
  z.object({
    id: z.string().startsWith('cus_'),
    object: z.literal('customer'),
    email: z.string().max(512).nullish(),
    address: z.object({ country: z.string().max(2).nullish() }).nullish(),
    business_name: z.string().nullish(),
    individual_name: z.string().nullish(),
    metadata,
    invoice_settings: z.object({ default_payment_method: z.union([z.string(), paymentMethodSchema]).nullish() }).nullish(),
  }),
]);

export async function readCustomer(stripe: Stripe, id: string): Promise<CustomerSnapshot | null> {
  const readAt = new Date();
  const raw = await orNull(() => stripe.customers.retrieve(id, { expand: ['invoice_settings.default_payment_method'] }));
  if (!raw) return null;
  const c = customerSchema.parse(raw);
  if ('deleted' in c) return { id: c.id, deleted: true, organizationClaim: null, email: null, country: null, isBusiness: null, defaultPaymentMethod: null, readAt };
  const pm = c.invoice_settings?.default_payment_method;
  return {
    id: c.id,
    deleted: false,
    organizationClaim: c.metadata?.[ORGANIZATION_METADATA_KEY] ?? null,
    email: c.email ?? null,
    country: c.address?.country?.toUpperCase() ?? null,
    isBusiness: c.business_name ? true : c.individual_name ? false : null,
    defaultPaymentMethod: pm && typeof pm !== 'string' ? pm : null,
    readAt,
  };
}

export interface SubscriptionSnapshot {
  id: string;
  customerId: string;
  organizationClaim: string | null;
  /** Stripe's status: trialing, active, past_due, unpaid, canceled, incomplete, incomplete_expired, paused. */
  providerStatus: string;
  /** null: no price of our catalog on it. */
  planKey: PlanKey | null;
  /** The plan version its price belongs to (plan lab; the catalog's prices are version 1). */
  planVersion?: number | null;
  lookupKey: string | null;
  interval: BillingInterval | null;
  seatQuantity: number;
  periodStart: Date | null;
  periodEnd: Date | null;
  billingAnchor: Date | null;
  cancelAtPeriodEnd: boolean;
  trialEnd: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  created: Date;
  readAt: Date;
}

const subscriptionSchema = z.object({
  id: z.string().startsWith('sub_'),
  object: z.literal('subscription'),
  customer: idOf,
  status: z.enum(['trialing', 'active', 'past_due', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused']),
  metadata,
  created: seconds,
  billing_cycle_anchor: seconds.nullish(),
  cancel_at_period_end: z.boolean(),
  cancel_at: seconds.nullish(),
  trial_end: seconds.nullish(),
  canceled_at: seconds.nullish(),
  ended_at: seconds.nullish(),
  items: z.object({
    data: z
      .array(
        z.object({
          quantity: z.number().int().nonnegative().nullish(),
          current_period_start: seconds.nullish(),
          current_period_end: seconds.nullish(),
          price: z.object({ id: z.string(), lookup_key: z.string().nullish(), recurring: z.object({ interval: z.string() }).nullish() }),
        }),
      )
      .max(100),
  }),
});

// Plan prices of every version: the catalog's (v1) and published plan-lab versions' (vN).
const PLAN_BY_LOOKUP_KEY = {
  has: (key: string) => parsePlanPriceLookupKey(key) !== null,
  get: (key: string) => parsePlanPriceLookupKey(key) ?? undefined,
};
// Seat prices of every version: the catalog's (v1) and published plan-lab versions' (vN).
const SEAT_LOOKUP_KEYS = { has: (key: string) => isSeatPriceLookupKey(key) };

export async function readSubscription(stripe: Stripe, id: string): Promise<SubscriptionSnapshot | null> {
  const readAt = new Date();
  const raw = await orNull(() => stripe.subscriptions.retrieve(id));
  if (!raw) return null;
  const s = subscriptionSchema.parse(raw);
  const planItem = s.items.data.find((i) => i.price.lookup_key && PLAN_BY_LOOKUP_KEY.has(i.price.lookup_key));
  const plan = planItem ? PLAN_BY_LOOKUP_KEY.get(planItem.price.lookup_key!)! : null;
  const periodItem = planItem ?? s.items.data[0];
  return {
    id: s.id,
    customerId: s.customer,
    organizationClaim: s.metadata?.[ORGANIZATION_METADATA_KEY] ?? null,
    providerStatus: s.status,
    planKey: plan?.planKey ?? null,
    planVersion: plan?.version ?? null,
    lookupKey: planItem?.price.lookup_key ?? null,
    interval: plan?.interval ?? null,
    seatQuantity: s.items.data.filter((i) => i.price.lookup_key && SEAT_LOOKUP_KEYS.has(i.price.lookup_key)).reduce((n, i) => n + (i.quantity ?? 0), 0),
    periodStart: toDate(periodItem?.current_period_start),
    periodEnd: toDate(periodItem?.current_period_end),
    billingAnchor: toDate(s.billing_cycle_anchor),
    cancelAtPeriodEnd: s.cancel_at_period_end,
    // Stripe keeps trial_end after a trial is over; ours says when the current trial ends.
    trialEnd: s.status === 'trialing' ? toDate(s.trial_end) : null,
    canceledAt: toDate(s.canceled_at),
    endedAt: toDate(s.ended_at),
    created: new Date(s.created * 1000),
    readAt,
  };
}

export interface InvoiceSnapshot {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  number: string | null;
  status: string;
  currency: string;
  amountDue: number;
  amountPaid: number;
  amountRemaining: number;
  total: number;
  tax: number;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  created: Date;
  readAt: Date;
}

const minor = z.number().int().safe();
const invoiceSchema = z.object({
  id: z.string().startsWith('in_'),
  object: z.literal('invoice'),
  customer: idOf,
  number: z.string().max(100).nullish(),
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']),
  currency: z.string().regex(/^[a-z]{3}$/),
  amount_due: minor,
  amount_paid: minor,
  amount_remaining: minor,
  total: minor,
  total_taxes: z.array(z.object({ amount: minor })).nullish(),
  hosted_invoice_url: z.url().nullish(),
  invoice_pdf: z.url().nullish(),
  period_start: seconds.nullish(),
  period_end: seconds.nullish(),
  created: seconds,
  parent: z.object({ subscription_details: z.object({ subscription: idOf.nullish() }).nullish() }).nullish(),
});

export async function readInvoice(stripe: Stripe, id: string): Promise<InvoiceSnapshot | null> {
  const readAt = new Date();
  const raw = await orNull(() => stripe.invoices.retrieve(id));
  if (!raw) return null;
  return invoiceSnapshot(invoiceSchema.parse(raw), readAt);
}

/** Invoices of one customer, newest first (the resynchronisation reads them in pages). */
export async function listInvoices(stripe: Stripe, customerId: string, max: number): Promise<InvoiceSnapshot[]> {
  const out: InvoiceSnapshot[] = [];
  for await (const raw of stripe.invoices.list({ customer: customerId, limit: 100 })) {
    out.push(invoiceSnapshot(invoiceSchema.parse(raw), new Date()));
    if (out.length >= max) break;
  }
  return out;
}

function invoiceSnapshot(i: z.infer<typeof invoiceSchema>, readAt: Date): InvoiceSnapshot {
  return {
    id: i.id,
    customerId: i.customer,
    subscriptionId: i.parent?.subscription_details?.subscription ?? null,
    number: i.number ?? null,
    status: i.status,
    currency: i.currency,
    amountDue: i.amount_due,
    amountPaid: i.amount_paid,
    amountRemaining: i.amount_remaining,
    total: i.total,
    tax: (i.total_taxes ?? []).reduce((n, t) => n + t.amount, 0),
    hostedInvoiceUrl: i.hosted_invoice_url ?? null,
    invoicePdf: i.invoice_pdf ?? null,
    periodStart: toDate(i.period_start),
    periodEnd: toDate(i.period_end),
    created: new Date(i.created * 1000),
    readAt,
  };
}

export interface CheckoutSessionSnapshot {
  id: string;
  status: string | null;
  customerId: string | null;
  subscriptionId: string | null;
  organizationClaim: string | null;
}

const checkoutSessionSchema = z.object({
  id: z.string().startsWith('cs_'),
  object: z.literal('checkout.session'),
  status: z.string().nullish(),
  customer: idOf.nullish(),
  subscription: idOf.nullish(),
  client_reference_id: z.string().nullish(),
  metadata,
});

export async function readCheckoutSession(stripe: Stripe, id: string): Promise<CheckoutSessionSnapshot | null> {
  const raw = await orNull(() => stripe.checkout.sessions.retrieve(id));
  if (!raw) return null;
  const s = checkoutSessionSchema.parse(raw);
  return {
    id: s.id,
    status: s.status ?? null,
    customerId: s.customer ?? null,
    subscriptionId: s.subscription ?? null,
    organizationClaim: s.metadata?.[ORGANIZATION_METADATA_KEY] ?? s.client_reference_id ?? null,
  };
}

/** Subscription ids of one customer, every status (the resynchronisation reads each). */
export async function listSubscriptionIds(stripe: Stripe, customerId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of stripe.subscriptions.list({ customer: customerId, status: 'all', limit: 100 })) ids.push(s.id);
  return ids;
}

/** A 404 (deleted draft invoice, an object of another account) reads as "gone", anything else throws. */
async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof stripeErrors().StripeInvalidRequestError && error.statusCode === 404) return null;
    throw error;
  }
}
