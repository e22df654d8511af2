// BillingProvider on Stripe: catalog sync, customers, Checkout in subscription mode, the customer
// portal, usage reported to billing meters, and the subscription lifecycle (stripe-lifecycle.ts:
// plan changes, seats, cancel/resume, invoices, payment method, refunds, credits), and webhook
// deliveries verified and parsed into events (handleEvent) for the one event processor.
import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { stripeErrors } from './stripe-sdk';
import { z } from 'zod';
import { AppError } from '../../errors';
import type {
  BillingProvider,
  CatalogSyncReport,
  ChangePreview,
  CheckoutSession,
  CheckoutSessionInput,
  CreateCustomerInput,
  InvoiceSummary,
  OperationId,
  PaymentMethodSummary,
  PlanChangeInput,
  PlanChangeResult,
  PortalSessionInput,
  ProviderEvent,
  SubscriptionSummary,
  UsageReport,
  VersionedPlanPrices,
  WebhookDelivery,
} from '../billing-provider';
import { WebhookRejected } from '../billing-provider';
import { findPlan, OVERAGES, planPriceLookupKey, PORTAL_CONFIGURATION_KEY, seatPriceLookupKey } from '../plan-catalog';
import { createStripeClient, type StripeClientOptions } from './stripe-client';
import { stripeEventSchema } from './stripe-event-schema';
import { StripeLifecycle, type LifecycleOptions } from './stripe-lifecycle';
import { syncStripeCatalog } from './sync-stripe-catalog';

// What we read back from Stripe and rely on, checked rather than trusted.
const checkoutSessionSchema = z.object({ id: z.string().startsWith('cs_'), url: z.url(), expires_at: z.number().int() });
const portalSessionSchema = z.object({ url: z.url() });
const customerSchema = z.object({ id: z.string().startsWith('cus_') });

/** Stripe's own tolerance: a signature older (or newer) than this is refused as a possible replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export interface StripeProviderOptions extends StripeClientOptions, LifecycleOptions {
  /** The webhook endpoint's signing secret (whsec_…); without it every delivery is refused. */
  webhookSecret?: string | null;
}

export class StripeProvider implements BillingProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;
  private readonly lifecycle: StripeLifecycle;
  private readonly webhookSecret: string | null;

  /** `client`: an existing client to share (the event source's); built from the options otherwise. */
  constructor(options: StripeProviderOptions, client?: Stripe) {
    this.stripe = client ?? createStripeClient(options);
    this.webhookSecret = options.webhookSecret ?? null;
    this.lifecycle = new StripeLifecycle(this.stripe, (keys) => this.pricesByLookupKey(keys), options);
  }

  syncCatalog(options?: { dryRun?: boolean; planVersions?: VersionedPlanPrices[] }): Promise<CatalogSyncReport> {
    return guard('sync the catalog', () => syncStripeCatalog(this.stripe, options));
  }

  createCustomer(input: CreateCustomerInput): Promise<{ customerId: string }> {
    return guard('create the billing customer', async () => {
      const params: Stripe.CustomerCreateParams = {
        name: input.name,
        ...(input.email ? { email: input.email } : {}),
        ...(input.billingCountry ? { address: { country: input.billingCountry } } : {}),
        ...(input.isBusiness !== undefined ? (input.isBusiness ? { business_name: input.name } : { individual_name: input.name }) : {}),
        metadata: { meterdesk_organization_id: input.organizationId },
      };
      // The same request repeated (a lost response, a double click) yields one customer for the
      // organization; different details make a different key rather than an idempotency error.
      const digest = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 16);
      const customer = await this.stripe.customers.create(params, { idempotencyKey: `meterdesk-customer-${input.organizationId}-${digest}` });
      return { customerId: customerSchema.parse(customer).id };
    });
  }

  async createCheckoutSession(input: CheckoutSessionInput): Promise<CheckoutSession> {
    const plan = findPlan(input.planKey);
    const catalogPrice = plan?.prices[input.interval];
    // A plan-lab version sells under its own lookup key (its interval must be one it is sold with).
    const price = input.planVersion
      ? input.planVersion.intervals.includes(input.interval) && plan ? { lookupKey: planPriceLookupKey(plan.key, input.interval, input.planVersion.version) } : undefined
      : catalogPrice;
    if (!plan || !plan.selfServe || !price) {
      throw new AppError('BAD_REQUEST', `The ${plan?.name ?? input.planKey} plan cannot be bought online${plan && !plan.selfServe ? ': contact sales' : ` with ${input.interval}ly billing`}.`, { field: 'planKey' });
    }
    if (input.extraSeats !== undefined && (!Number.isInteger(input.extraSeats) || input.extraSeats < 0)) {
      throw new AppError('BAD_REQUEST', 'Extra seats must be a whole number, zero or more.', { field: 'extraSeats' });
    }
    return guard('open Checkout', async () => {
      // Extra seats bill at the seat price of the version sold.
      const seatLookup = seatPriceLookupKey(plan.key, input.interval, input.planVersion?.version ?? 1);
      const lookupKeys = [price.lookupKey, ...(input.extraSeats ? [seatLookup] : [])];
      const prices = await this.pricesByLookupKey(lookupKeys);
      const lineItems: Stripe.Checkout.SessionCreateParams.LineItem[] = [{ price: prices.get(price.lookupKey)!, quantity: 1 }];
      if (input.extraSeats) lineItems.push({ price: prices.get(seatLookup)!, quantity: input.extraSeats });
      // Overage is billed on metered prices, which Checkout adds without a quantity.
      if ((input.planVersion?.overagePolicy ?? plan.overagePolicy) === 'bill' && input.interval === 'month') {
        const overage = await this.pricesByLookupKey(OVERAGES.map((o) => o.lookupKey));
        for (const o of OVERAGES) lineItems.push({ price: overage.get(o.lookupKey)! });
      }
      const session = await this.stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: input.customerId,
        client_reference_id: input.organizationId,
        line_items: lineItems,
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        metadata: { meterdesk_organization_id: input.organizationId, meterdesk_plan: plan.key },
        subscription_data: {
          metadata: { meterdesk_organization_id: input.organizationId, meterdesk_plan: plan.key },
          ...(input.trialDays ? { trial_period_days: input.trialDays } : {}),
          ...(input.trialDays && input.trialEndWithoutPaymentMethod
            ? { trial_settings: { end_behavior: { missing_payment_method: input.trialEndWithoutPaymentMethod } } }
            : {}),
        },
      });
      const parsed = checkoutSessionSchema.parse(session);
      return { id: parsed.id, url: parsed.url, expiresAt: new Date(parsed.expires_at * 1000) };
    });
  }

  async createBillingPortalSession(input: PortalSessionInput): Promise<{ url: string }> {
    if (input.flow && input.flow !== 'payment_method_update' && !input.subscriptionId) {
      throw new AppError('BAD_REQUEST', 'This portal flow needs the subscription it acts on.', { field: 'subscriptionId' });
    }
    return guard('open the billing portal', async () => {
      const configuration = await this.portalConfigurationId();
      const flow: Stripe.BillingPortal.SessionCreateParams.FlowData | undefined =
        input.flow === 'payment_method_update'
          ? { type: 'payment_method_update' }
          : input.flow === 'subscription_cancel'
            ? { type: 'subscription_cancel', subscription_cancel: { subscription: input.subscriptionId! } }
            : input.flow === 'subscription_update'
              ? { type: 'subscription_update', subscription_update: { subscription: input.subscriptionId! } }
              : undefined;
      const session = await this.stripe.billingPortal.sessions.create({
        customer: input.customerId,
        return_url: input.returnUrl,
        configuration,
        ...(flow ? { flow_data: flow } : {}),
      });
      return { url: portalSessionSchema.parse(session).url };
    });
  }

  async reportUsage(report: UsageReport): Promise<{ status: 'reported' | 'duplicate' }> {
    const overage = OVERAGES.find((o) => o.metric === report.metric);
    if (!overage) throw new AppError('BAD_REQUEST', `${report.metric} is not billed as overage: there is no meter for it.`, { field: 'metric' });
    if (!Number.isSafeInteger(report.quantity) || report.quantity <= 0) {
      throw new AppError('BAD_REQUEST', 'Usage to report must be a whole number above zero.', { field: 'quantity' });
    }
    if (report.identifier.length === 0 || report.identifier.length > 100) {
      throw new AppError('BAD_REQUEST', 'A usage report identifier has 1 to 100 characters.', { field: 'identifier' });
    }
    try {
      await this.stripe.billing.meterEvents.create({
        event_name: overage.meterEventName,
        identifier: report.identifier,
        timestamp: Math.floor(report.occurredAt.getTime() / 1000),
        payload: { stripe_customer_id: report.customerId, value: String(report.quantity) },
      });
      return { status: 'reported' };
    } catch (error) {
      // Stripe keeps identifiers for at least 24 h: a repeat means this batch already reached it.
      if (isDuplicateIdentifier(error, report.identifier)) return { status: 'duplicate' };
      throw toAppError('report usage', error);
    }
  }

  previewChange(input: PlanChangeInput & { prorationDate?: number }): Promise<ChangePreview> {
    return this.lifecycle.previewChange(input);
  }
  changePlan(input: PlanChangeInput & { when: 'now' | 'period_end'; prorationDate?: number; operationId: OperationId }): Promise<PlanChangeResult> {
    return this.lifecycle.changePlan(input);
  }
  updateSeats(input: { subscriptionId: string; activeMembers: number; operationId: OperationId; includedSeats?: number | null }): Promise<{ extraSeats: number; changed: boolean }> {
    return this.lifecycle.updateSeats(input);
  }
  extendTrial(input: { subscriptionId: string; trialEnd: Date; operationId: OperationId }): Promise<SubscriptionSummary> {
    return this.lifecycle.extendTrial(input);
  }
  cancel(input: { subscriptionId: string; atPeriodEnd: boolean; operationId: OperationId; comment?: string }): Promise<SubscriptionSummary> {
    return this.lifecycle.cancel(input);
  }
  resume(input: { subscriptionId: string; operationId: OperationId }): Promise<SubscriptionSummary> {
    return this.lifecycle.resume(input);
  }
  async handleEvent(delivery: WebhookDelivery): Promise<ProviderEvent> {
    if (!this.webhookSecret) {
      throw new WebhookRejected('webhooks_not_configured', 'This server has no Stripe webhook signing secret: set STRIPE_WEBHOOK_SECRET.');
    }
    if (!delivery.signature) throw new WebhookRejected('signature_missing', 'The Stripe-Signature header is missing.');
    let verified: unknown;
    try {
      // The HMAC covers the exact bytes: never re-serialise the body before this.
      verified = this.stripe.webhooks.constructEvent(delivery.rawBody, delivery.signature, this.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      if (error instanceof stripeErrors().StripeSignatureVerificationError) {
        if (/timestamp outside the tolerance zone/i.test(error.message)) {
          throw new WebhookRejected('signature_expired', `The signature's timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s away from now: refused as a possible replay.`);
        }
        throw new WebhookRejected('signature_invalid', "The Stripe-Signature header does not match the body and this endpoint's signing secret.");
      }
      // Correctly signed, but not JSON.
      throw new WebhookRejected('malformed_event', 'The body is not a JSON Stripe event.');
    }
    const parsed = stripeEventSchema.safeParse(verified);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new WebhookRejected('malformed_event', `The body is not a Stripe event: ${issue?.path.join('.') || 'event'} ${issue?.message ?? ''}`.trim());
    }
    return parsed.data;
  }
  getSubscriptionStatus(input: { subscriptionId: string }): Promise<SubscriptionSummary> {
    return this.lifecycle.getSubscriptionStatus(input);
  }
  listInvoices(input: { customerId: string; limit?: number; startingAfter?: string }): Promise<{ invoices: InvoiceSummary[]; hasMore: boolean }> {
    return this.lifecycle.listInvoices(input);
  }
  getDefaultPaymentMethod(input: { customerId: string }): Promise<PaymentMethodSummary | null> {
    return this.lifecycle.getDefaultPaymentMethod(input);
  }
  refund(input: { customerId: string; invoiceId: string; amountMinor: number; reason: string; operationId: OperationId }): Promise<{ refundId: string; amountMinor: number; currency: string }> {
    return this.lifecycle.refund(input);
  }
  applyCredit(input: { customerId: string; amountMinor: number; currency: string; reason: string; operationId: OperationId }): Promise<{ transactionId: string; balanceMinor: number }> {
    return this.lifecycle.applyCredit(input);
  }

  private async pricesByLookupKey(lookupKeys: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let i = 0; i < lookupKeys.length; i += 10) {
      const page = await this.stripe.prices.list({ lookup_keys: lookupKeys.slice(i, i + 10), active: true, limit: 100 });
      for (const p of page.data) if (p.lookup_key) found.set(p.lookup_key, p.id);
    }
    const missing = lookupKeys.filter((k) => !found.has(k));
    if (missing.length) {
      throw new AppError('PRECONDITION_FAILED', `Stripe has no active price for ${missing.join(', ')}. Run \`npm run cli -- stripe sync-catalog\` first.`);
    }
    return found;
  }

  private async portalConfigurationId(): Promise<string> {
    for await (const config of this.stripe.billingPortal.configurations.list({ active: true, limit: 100 })) {
      if (config.metadata?.meterdesk_key === PORTAL_CONFIGURATION_KEY) return config.id;
    }
    throw new AppError('PRECONDITION_FAILED', 'Stripe has no Meterdesk portal configuration yet. Run `npm run cli -- stripe sync-catalog` first.');
  }
}

function isDuplicateIdentifier(error: unknown, identifier: string): boolean {
  return (
    error instanceof stripeErrors().StripeInvalidRequestError &&
    (error.code === 'meter_event_duplicate_identifier' || (error.param === 'identifier' && /already exists/i.test(error.message) && error.message.includes(identifier)))
  );
}

async function guard<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toAppError(what, error);
  }
}

/** Stripe's errors in words a person can act on; the secret key never appears in them. */
export function toAppError(what: string, error: unknown): unknown {
  if (error instanceof AppError || !(error instanceof stripeErrors().StripeError)) return error;
  const requestId = error.requestId ? ` (Stripe request ${error.requestId})` : '';
  if (error instanceof stripeErrors().StripeAuthenticationError) {
    return new AppError('PRECONDITION_FAILED', `Stripe refused the secret key: could not ${what}. Check the key in Settings → Connections${requestId}.`);
  }
  if (error instanceof stripeErrors().StripeRateLimitError) {
    return new AppError('TOO_MANY_REQUESTS', `Stripe is rate-limiting requests: could not ${what}. Try again shortly${requestId}.`, { retryAfterSeconds: 5 });
  }
  if (error instanceof stripeErrors().StripeInvalidRequestError) {
    return new AppError('BAD_REQUEST', `Stripe refused the request to ${what}: ${error.message}${requestId}.`, error.param ? { field: error.param } : {});
  }
  if (error instanceof stripeErrors().StripeConnectionError) {
    return new AppError('PRECONDITION_FAILED', `Could not reach Stripe to ${what}. Check the network and try again.`);
  }
  return new AppError('PRECONDITION_FAILED', `Stripe failed to ${what}: ${error.message}${requestId}. Try again.`);
}
