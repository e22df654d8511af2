// Rebuilds the mirror from Stripe's objects rather than its events: for every customer we know
// (billing customers and subscriptions that name one), the customer, all its subscriptions and its
// recent invoices are read and applied. Used when the poller's cursor fell out of Stripe's 30-day
// event window (or on the first run), when events may have been lost for good.
import { logUnexpectedError } from '../logging/log-error';
import { applyCustomer, applyInvoice, applySubscription, IgnoredEvent, resolveOrganization } from './mirror-billing-objects';
import type { StripeEventContext } from './process-stripe-event';
import { listInvoices, listSubscriptionIds, ORGANIZATION_METADATA_KEY, readCustomer, readSubscription, type SubscriptionSnapshot } from './stripe/read-stripe-objects';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const INVOICES_PER_CUSTOMER = 100;

export interface ResyncReport {
  customers: number;
  subscriptions: number;
  invoices: number;
  /** Customers that could not be read or applied (logged; the next resynchronisation tries again). */
  failed: string[];
}

export async function resyncStripeObjects(ctx: StripeEventContext): Promise<ResyncReport> {
  const { db, stripe } = ctx;
  const known = await db.query<{ organization_id: string; customer_id: string }>(
    `select organization_id::text, provider_customer_id as customer_id from billing_customers
      union
     select organization_id::text, provider_customer_id from subscriptions where provider = 'stripe' and provider_customer_id is not null`,
  );
  // Customers we have not linked yet (the first run, events lost past the window): those Stripe
  // holds with our organization metadata, for organizations that exist here.
  const linked = new Set(known.map((k) => k.customer_id));
  const claimed: Array<{ organization_id: string; customer_id: string }> = [];
  for await (const c of stripe.customers.list({ limit: 100 })) {
    const org = c.metadata?.[ORGANIZATION_METADATA_KEY];
    if (!linked.has(c.id) && org && UUID.test(org)) claimed.push({ organization_id: org, customer_id: c.id });
  }
  if (claimed.length) {
    const existing = new Set(
      (await db.query<{ id: string }>('select id::text from organizations where id = any($1::uuid[])', [[...new Set(claimed.map((c) => c.organization_id))]])).map((r) => r.id),
    );
    known.push(...claimed.filter((c) => existing.has(c.organization_id)));
  }
  const report: ResyncReport = { customers: 0, subscriptions: 0, invoices: 0, failed: [] };
  for (const { organization_id: expected, customer_id: customerId } of known) {
    try {
      const customer = await readCustomer(stripe, customerId);
      const subscriptions: SubscriptionSnapshot[] = [];
      for (const id of await listSubscriptionIds(stripe, customerId)) {
        const s = await readSubscription(stripe, id);
        if (s) subscriptions.push(s);
      }
      subscriptions.sort((a, b) => a.created.getTime() - b.created.getTime());
      const invoices = await listInvoices(stripe, customerId, INVOICES_PER_CUSTOMER);
      await db.prisma.$transaction(
        async (tx) => {
          const organizationId = await resolveOrganization(tx, { customerId, customer, claims: [expected, ...subscriptions.map((s) => s.organizationClaim)], readAt: new Date() });
          if (customer) await applyCustomer(tx, organizationId, customer);
          for (const s of subscriptions) if (s.planKey) await applySubscription(tx, organizationId, s, 'resynchronisation');
          for (const i of invoices) await applyInvoice(tx, organizationId, i);
        },
        { timeout: 60_000, maxWait: 30_000 },
      );
      report.customers++;
      report.subscriptions += subscriptions.length;
      report.invoices += invoices.length;
    } catch (error) {
      if (!(error instanceof IgnoredEvent)) logUnexpectedError(`stripe resync of ${customerId}`, error);
      report.failed.push(customerId);
    }
  }
  return report;
}
