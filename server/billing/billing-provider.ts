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

export interface CheckoutSessionInput {
  organizationId: string;
  customerId: string;
  planKey: PlanKey;
  interval: BillingInterval;
  /** Seats billed beyond the plan's included ones. */
  extraSeats?: number;
  trialDays?: number;
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

export interface BillingProvider {
  readonly name: 'stripe';
  syncCatalog(options?: { dryRun?: boolean }): Promise<CatalogSyncReport>;
  createCustomer(input: CreateCustomerInput): Promise<{ customerId: string }>;
  createCheckoutSession(input: CheckoutSessionInput): Promise<CheckoutSession>;
  createBillingPortalSession(input: PortalSessionInput): Promise<{ url: string }>;
  /** 'duplicate': the provider already had this identifier — already reported, not an error. */
  reportUsage(report: UsageReport): Promise<{ status: 'reported' | 'duplicate' }>;
  previewChange(input: { subscriptionId: string; planKey: PlanKey; interval: BillingInterval }): Promise<{ amountDue: number; currency: string }>;
  changePlan(input: { subscriptionId: string; planKey: PlanKey; interval: BillingInterval; when: 'now' | 'period_end' }): Promise<void>;
  cancel(input: { subscriptionId: string; atPeriodEnd: boolean }): Promise<void>;
  resume(input: { subscriptionId: string }): Promise<void>;
  handleEvent(rawEvent: unknown): Promise<void>;
  getSubscriptionStatus(input: { subscriptionId: string }): Promise<{ status: ProviderSubscriptionStatus }>;
  listInvoices(input: { customerId: string; limit?: number; startingAfter?: string }): Promise<unknown[]>;
  refund(input: { invoiceId: string; amountMinor: number; reason: string }): Promise<void>;
  applyCredit(input: { customerId: string; amountMinor: number; currency: string; reason: string }): Promise<void>;
}
