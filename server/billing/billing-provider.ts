// The billing provider seam (seed 001 §2.1): Stripe first, regional adapters (Razorpay-style)
// later. Domain use cases in server/billing/ speak only this interface; money is integer minor
// units with its currency; ids are the provider's own strings.
import type { BillingInterval, PlanKey } from './plan-catalog';
import type { MetricKey } from '../metering/metrics';

export type ProviderSubscriptionStatus = 'trialing' | 'active' | 'past_due' | 'unpaid' | 'canceled' | 'incomplete' | 'incomplete_expired' | 'paused';

export interface CatalogChange {
  action: 'created' | 'updated' | 'archived' | 'reactivated' | 'conflict';
  kind: 'product' | 'price' | 'meter' | 'portal_configuration';
  /** Our stable key: product key, price lookup key, meter event name. */
  key: string;
  providerId: string;
  detail?: string;
}

export interface CatalogSyncReport {
  changes: CatalogChange[];
  /** Provider ids by our keys, for checkout and usage reporting. */
  priceIds: Record<string, string>;
  meterIds: Record<string, string>;
  portalConfigurationId: string;
}

export interface CreateCustomerInput {
  organizationId: string;
  name: string;
  email: string | null;
  /** ISO 3166-1 alpha-2, for tax later (seed 001 §3.4). */
  billingCountry?: string | null;
  isBusiness?: boolean;
}

/**
 * A published version of a plan other than the catalog's (plan lab): its plan prices are the ones
 * under the version's lookup keys (planPriceLookupKey), and its seats and overage policy are its own.
 */
export interface PlanVersionTarget {
  version: number;
  includedSeats: number | null;
  overagePolicy: 'hard_cap' | 'bill';
  /** Which intervals the version is sold with. */
  intervals: BillingInterval[];
}

/** A published version's plan and seat prices, synced with the catalog under the version's lookup keys. */
export interface VersionedPlanPrices {
  planKey: PlanKey;
  version: number;
  name: string;
  prices: Partial<Record<BillingInterval, number>>;
  /** The version's seat prices (minor units), synced under its seat lookup keys for the intervals it is sold with. */
  seatPrices?: Record<BillingInterval, number>;
}

export interface CheckoutSessionInput {
  organizationId: string;
  customerId: string;
  planKey: PlanKey;
  interval: BillingInterval;
  /** A plan-lab version (default: the catalog's, version 1). */
  planVersion?: PlanVersionTarget;
  /** Seats billed beyond the plan's included ones. */
  extraSeats?: number;
  trialDays?: number;
  /** With a trial: what happens when it ends and no payment method was given (Stripe's default: create_invoice). */
  trialEndWithoutPaymentMethod?: 'cancel' | 'create_invoice' | 'pause';
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutSession {
  id: string;
  url: string;
  expiresAt: Date;
}

export interface PortalSessionInput {
  customerId: string;
  returnUrl: string;
  flow?: 'payment_method_update' | 'subscription_cancel' | 'subscription_update';
  /** Required by the subscription flows. */
  subscriptionId?: string;
}

export interface UsageReport {
  customerId: string;
  metric: MetricKey;
  /** Whole units past the included quota. */
  quantity: number;
  /** Our own stable id for this batch, e.g. `${org}:${metric}:${period}:${batch}`: the provider deduplicates on it. */
  identifier: string;
  occurredAt: Date;
}

/** Our own id for a mutating operation (an audit row, a request id): the provider's idempotency key derives from it, so a retry never applies twice. */
export type OperationId = string;

export interface PlanChangeInput {
  subscriptionId: string;
  planKey: PlanKey;
  interval: BillingInterval;
  /** Active members now: the new plan must seat them all. */
  activeMembers: number;
  /** Seats asked for on the new plan (default: activeMembers); fewer than activeMembers is refused. */
  seats?: number;
  /** A plan-lab version of the plan (default: the catalog's, version 1); the same plan on another version is a change. */
  planVersion?: PlanVersionTarget;
}

export interface ChangePreviewLine {
  description: string;
  amountMinor: number;
  proration: boolean;
  periodStart: Date;
  periodEnd: Date;
}

export interface ChangePreview {
  /** Charged now if the change is confirmed now (after any credit on the customer's balance). */
  amountDueMinor: number;
  /** Net of the lines; negative when the change leaves a credit. */
  totalMinor: number;
  currency: string;
  /** Pass back to changePlan so the charged amount is the one shown. */
  prorationDate: number;
  lines: ChangePreviewLine[];
}

export type PlanChangeResult =
  | { effective: 'now'; invoiceId: string | null; amountDueMinor: number; currency: string; invoiceStatus: string | null; subscriptionStatus: ProviderSubscriptionStatus }
  | { effective: 'period_end'; scheduleId: string; effectiveAt: Date };

export interface SubscriptionSummary {
  id: string;
  status: ProviderSubscriptionStatus;
  planKey: PlanKey | null;
  interval: BillingInterval | null;
  /** Seats billed beyond the plan's included ones. */
  extraSeats: number;
  cancelAtPeriodEnd: boolean;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  trialEnd: Date | null;
  /** A change scheduled for the end of the period. */
  pendingChange: { planKey: PlanKey | null; interval: BillingInterval | null; effectiveAt: Date; planVersion?: number | null } | null;
}

export interface InvoiceSummary {
  id: string;
  number: string | null;
  status: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  currency: string;
  totalMinor: number;
  amountDueMinor: number;
  amountPaidMinor: number;
  amountRemainingMinor: number;
  hostedUrl: string | null;
  pdfUrl: string | null;
  periodStart: Date;
  periodEnd: Date;
  createdAt: Date;
  billingReason: string | null;
}

export interface PaymentMethodSummary {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** A webhook delivery as it arrived: the signature covers these exact bytes. */
export interface WebhookDelivery {
  rawBody: Buffer | string;
  signature: string | undefined;
}

/** The envelope of a verified provider event; the objects inside are re-read, never trusted. */
export interface ProviderEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  data: { object: { id?: string; object?: string; [key: string]: unknown }; previous_attributes?: Record<string, unknown> };
}

export type WebhookRejection = 'webhooks_not_configured' | 'signature_missing' | 'signature_invalid' | 'signature_expired' | 'malformed_event';

/** A delivery refused before anything was read or written; `code` goes back to the sender. */
export class WebhookRejected extends Error {
  constructor(
    readonly code: WebhookRejection,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejected';
  }
}

export interface BillingProvider {
  readonly name: 'stripe';
  syncCatalog(options?: { dryRun?: boolean; planVersions?: VersionedPlanPrices[] }): Promise<CatalogSyncReport>;
  createCustomer(input: CreateCustomerInput): Promise<{ customerId: string }>;
  createCheckoutSession(input: CheckoutSessionInput): Promise<CheckoutSession>;
  createBillingPortalSession(input: PortalSessionInput): Promise<{ url: string }>;
  /** 'duplicate': the provider already had this identifier — already reported, not an error. */
  reportUsage(report: UsageReport): Promise<{ status: 'reported' | 'duplicate' }>;
  /** What a change now would cost; `prorationDate` pins the computation so changePlan charges the same. */
  previewChange(input: PlanChangeInput & { prorationDate?: number }): Promise<ChangePreview>;
  /** Now: prorated and invoiced at once (pass the preview's prorationDate). Period end: a subscription schedule. */
  changePlan(input: PlanChangeInput & { when: 'now' | 'period_end'; prorationDate?: number; operationId: OperationId }): Promise<PlanChangeResult>;
  /** Seats follow active members: extra seats = active members beyond the plan's included ones, prorated onto the next invoice. */
  updateSeats(input: { subscriptionId: string; activeMembers: number; operationId: OperationId; /** Seats the subscription's plan version includes (null: unlimited); the catalog's when absent. */ includedSeats?: number | null }): Promise<{ extraSeats: number; changed: boolean }>;
  cancel(input: { subscriptionId: string; atPeriodEnd: boolean; operationId: OperationId; comment?: string }): Promise<SubscriptionSummary>;
  /** Moves a trialing subscription's trial end later (no proration); the same end again is a no-op. */
  extendTrial(input: { subscriptionId: string; trialEnd: Date; operationId: OperationId }): Promise<SubscriptionSummary>;
  /** Undoes a cancellation at period end. */
  resume(input: { subscriptionId: string; operationId: OperationId }): Promise<SubscriptionSummary>;
  /**
   * Verifies one raw webhook delivery (the exact body bytes and the signature header) with the
   * endpoint's signing secret, then parses it into the event the processor takes. Throws
   * WebhookRejected, naming what was wrong, for anything unsigned, tampered, stale or malformed.
   */
  handleEvent(delivery: WebhookDelivery): Promise<ProviderEvent>;
  getSubscriptionStatus(input: { subscriptionId: string }): Promise<SubscriptionSummary>;
  listInvoices(input: { customerId: string; limit?: number; startingAfter?: string }): Promise<{ invoices: InvoiceSummary[]; hasMore: boolean }>;
  /** The default payment method for invoices, masked; null when none is set. */
  getDefaultPaymentMethod(input: { customerId: string }): Promise<PaymentMethodSummary | null>;
  /** Refunds part or all of a paid invoice's payment; `reason` is kept with the refund for audit. */
  refund(input: { customerId: string; invoiceId: string; amountMinor: number; reason: string; operationId: OperationId }): Promise<{ refundId: string; amountMinor: number; currency: string }>;
  /** A monetary credit the customer's next invoices use before charging the card. */
  applyCredit(input: { customerId: string; amountMinor: number; currency: string; reason: string; operationId: OperationId }): Promise<{ transactionId: string; balanceMinor: number }>;
}
