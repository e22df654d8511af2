// Use case: everything the Billing page shows at once — plan and status, trial days left, the
// period, usage per metric with limit and remaining (from the metering engine, the single gate),
// the plan catalog to compare, the masked payment method from the mirror, seats, and whether
// billing is set up at all. Reads the acting organization's rows only.
import { getUsageSummary } from '../metering/get-usage-summary';
import { METRICS, type MetricKey } from '../metering/metrics';
import { countActiveMembers, loadBillingState, type BillingServices } from './billing-console-context';
import { findPlan, PLANS, SEAT_PRICES } from './plan-catalog';

const DAY_MS = 86_400_000;

/** The metrics the plan comparison lists (the rest are on the usage bars). */
const COMPARED: MetricKey[] = ['sms_sent', 'wa_messages', 'emails_sent', 'calls_made', 'ai_queries'];

export async function getBillingOverview(services: BillingServices, organizationId: string) {
  const now = services.clock.now();
  const [usage, state, activeMembers, storedMethod] = await Promise.all([
    getUsageSummary(services.db, organizationId, {}, services.clock),
    loadBillingState(services.db, organizationId),
    countActiveMembers(services.db, organizationId),
    services.db.prisma.billingPaymentMethod.findFirst({ where: { organizationId }, orderBy: { providerCreated: 'desc' } }),
  ]);
  const { subscription, customer } = state;
  const plan = findPlan(usage.plan.key);
  const trialEndsAt = usage.status === 'trialing' ? (subscription?.trialEndsAt ?? null) : null;
  const pm = customer?.defaultPmLast4
    ? { brand: customer.defaultPmBrand ?? 'card', last4: customer.defaultPmLast4, expMonth: customer.defaultPmExpMonth, expYear: customer.defaultPmExpYear }
    : storedMethod?.last4
      ? { brand: storedMethod.brand ?? storedMethod.type, last4: storedMethod.last4, expMonth: storedMethod.expMonth, expYear: storedMethod.expYear }
      : null;
  return {
    configured: !!services.billingProvider,
    plan: { key: usage.plan.key, name: usage.plan.name, overagePolicy: usage.plan.overagePolicy },
    status: usage.status,
    suspended: usage.suspended,
    interval: (subscription?.billingInterval as 'month' | 'year' | null) ?? null,
    hasSubscription: !!state.liveSubscriptionId,
    hasCustomer: !!customer,
    cancelAtPeriodEnd: subscription?.cancelAtPeriodEnd ?? false,
    trialEndsAt,
    trialDaysLeft: trialEndsAt ? Math.max(0, Math.ceil((trialEndsAt.getTime() - now.getTime()) / DAY_MS)) : null,
    periodStart: subscription?.currentPeriodStart ?? usage.periodStart,
    periodEnd: subscription?.currentPeriodEnd ?? usage.periodEnd,
    usage: usage.metrics,
    seats: { activeMembers, included: plan?.includedSeats ?? null, extra: subscription?.seatQuantity ?? 0, price: SEAT_PRICES },
    paymentMethod: pm,
    plans: PLANS.map((p) => ({
      key: p.key,
      name: p.name,
      description: p.description,
      selfServe: p.selfServe,
      prices: { month: p.prices.month ? { amountMinor: p.prices.month.amountMinor, currency: p.prices.month.currency } : null, year: p.prices.year ? { amountMinor: p.prices.year.amountMinor, currency: p.prices.year.currency } : null },
      includedSeats: p.includedSeats,
      overagePolicy: p.overagePolicy,
      highlights: COMPARED.map((metric) => ({ metric, label: METRICS[metric].label, included: p.quotas[metric] ?? null })),
    })),
  };
}
export type BillingOverview = Awaited<ReturnType<typeof getBillingOverview>>;
