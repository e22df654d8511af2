// Use case: everything the Billing page shows at once — plan and status, trial days left, the
// period, usage per metric with limit and remaining (from the metering engine, the single gate),
// the plan catalog to compare, the masked payment method from the mirror, seats, and whether
// billing is set up at all. Reads the acting organization's rows only. Prices, seats and quotas
// are those of plan versions (plan lab): the subscription's own version for its plan (a tenant
// grandfathered on Starter v2 at $19 sees $19), the latest published version for the others
// (what a change of plan would get).
import { getUsageSummary } from '../metering/get-usage-summary';
import { METRICS, type MetricKey } from '../metering/metrics';
import { countActiveMembers, loadBillingState, type BillingServices } from './billing-console-context';
import type { PlanTerms } from '../plan-lab/plan-terms';
import { catalogPlanTerms } from '../plan-lab/plan-terms';
import { parseStoredTerms } from '../plan-lab/plan-terms-schema';
import { PLANS, SEAT_PRICES, seatPriceLookupKey } from './plan-catalog';

const DAY_MS = 86_400_000;

/** The metrics the plan comparison lists (the rest are on the usage bars). */
const COMPARED: MetricKey[] = ['sms_sent', 'wa_messages', 'emails_sent', 'calls_made', 'ai_queries'];

export async function getBillingOverview(services: BillingServices, organizationId: string) {
  const now = services.clock.now();
  const [usage, state, activeMembers, storedMethod, published] = await Promise.all([
    getUsageSummary(services.db, organizationId, {}, services.clock),
    loadBillingState(services.db, organizationId),
    countActiveMembers(services.db, organizationId),
    services.db.prisma.billingPaymentMethod.findFirst({ where: { organizationId }, orderBy: { providerCreated: 'desc' } }),
    services.db.prisma.planVersion.findMany({ where: { status: { not: 'draft' } }, select: { planKey: true, version: true, status: true, terms: true } }),
  ]);
  const { subscription, customer } = state;
  const currentVersion = subscription?.planKey === usage.plan.key ? subscription.planVersion : 1;
  const termsOf = (planKey: PlanTerms['planKey']): PlanTerms => {
    const own = planKey === usage.plan.key ? published.find((v) => v.planKey === planKey && v.version === currentVersion) : undefined;
    const latest = published.filter((v) => v.planKey === planKey && v.status === 'published').sort((a, b) => b.version - a.version)[0];
    const row = own ?? latest;
    return row ? parseStoredTerms(row.terms) : catalogPlanTerms(planKey as Parameters<typeof catalogPlanTerms>[0]);
  };
  const current = termsOf(usage.plan.key);
  const trialEndsAt = usage.status === 'trialing' ? (subscription?.trialEndsAt ?? null) : null;
  const pm = customer?.defaultPmLast4
    ? { brand: customer.defaultPmBrand ?? 'card', last4: customer.defaultPmLast4, expMonth: customer.defaultPmExpMonth, expYear: customer.defaultPmExpYear }
    : storedMethod?.last4
      ? { brand: storedMethod.brand ?? storedMethod.type, last4: storedMethod.last4, expMonth: storedMethod.expMonth, expYear: storedMethod.expYear }
      : null;
  return {
    configured: !!services.billingProvider,
    plan: { key: usage.plan.key, name: usage.plan.name, overagePolicy: usage.plan.overagePolicy, version: current.version },
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
    seats: { activeMembers, included: current.includedSeats, extra: subscription?.seatQuantity ?? 0, price: {
      month: { ...SEAT_PRICES.month, amountMinor: current.seatPriceMinor.month, lookupKey: seatPriceLookupKey(current.planKey, 'month', current.version) },
      year: { ...SEAT_PRICES.year, amountMinor: current.seatPriceMinor.year, lookupKey: seatPriceLookupKey(current.planKey, 'year', current.version) },
    } },
    paymentMethod: pm,
    plans: PLANS.map((p) => {
      const t = termsOf(p.key);
      return {
        key: p.key,
        name: p.name,
        description: p.description,
        selfServe: p.selfServe,
        version: t.version,
        prices: { month: t.prices.month ? { amountMinor: t.prices.month.amountMinor, currency: t.prices.month.currency } : null, year: t.prices.year ? { amountMinor: t.prices.year.amountMinor, currency: t.prices.year.currency } : null },
        includedSeats: t.includedSeats,
        overagePolicy: t.overagePolicy,
        highlights: COMPARED.map((metric) => ({ metric, label: METRICS[metric].label, included: t.quotas[metric] ?? null })),
      };
    }),
  };
}
export type BillingOverview = Awaited<ReturnType<typeof getBillingOverview>>;
