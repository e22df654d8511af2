// Test fixture for Stripe events: an app on a test database, a stand-in with the catalog synced,
// the app's event source pointed at the stand-in, and helpers to subscribe an organization through
// Checkout and to read the mirror back without its bookkeeping timestamps.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { createHttpServer } from '../../server/http/create-http-server';
import { pollStripeEvents } from '../../server/billing/poll-stripe-events';
import type { StripeEventContext } from '../../server/billing/process-stripe-event';
import { createStripeEventSource } from '../../server/billing/stripe/stripe-event-source';
import type { PlanKey } from '../../server/billing/plan-catalog';
import type { TestDatabaseTarget } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { withStandIn, type StandInContext } from './stripe-helpers';

export async function startEventsFixture(target: TestDatabaseTarget, options: { standIn?: StandInContext } = {}) {
  const t: TestApp = await startTestApp(target);
  // The stand-in keeps real time; the app's clock starts there and moves only when a test says.
  t.clock.set(new Date());
  const s = options.standIn ?? (await withStandIn());
  if (!options.standIn) await s.provider.syncCatalog();
  const webhookSecret = `whsec_test${randomBytes(12).toString('hex')}`;
  const source = createStripeEventSource({ client: { secretKey: s.standIn.secretKey, apiBase: s.standIn.url, maxNetworkRetries: 0, timeoutMs: 5_000 }, webhookSecret });
  t.app.stripeEvents = source;
  const ctx: StripeEventContext = { db: t.app.services.db, stripe: source.stripe, clock: t.clock };
  const prisma = t.app.services.db.prisma;
  let http: Awaited<ReturnType<typeof createHttpServer>> | undefined;

  return {
    t,
    s,
    ctx,
    prisma,
    webhookSecret,
    signer: new Stripe('sk_test_signer_only'),
    async organization(slug: string, id?: string) {
      return (await prisma.organization.create({ data: { ...(id ? { id } : {}), slug, name: `${slug} Inc` } })).id;
    },
    /** Customer (with our metadata) → Checkout → completed on the stand-in. */
    async subscribe(organizationId: string, planKey: PlanKey = 'starter', extra: { trialDays?: number; extraSeats?: number } = {}) {
      const { customerId } = await s.provider.createCustomer({ organizationId, name: `Org ${organizationId.slice(0, 8)}`, email: 'billing@example.test', billingCountry: 'FR', isBusiness: true });
      const session = await s.provider.createCheckoutSession({ organizationId, customerId, planKey, interval: 'month', successUrl: 'http://127.0.0.1/ok', cancelUrl: 'http://127.0.0.1/no', ...extra });
      s.standIn.completeCheckoutSession(session.id);
      const subscription = s.standIn.store.all('subscription').find((x) => x.customer === customerId)!;
      return { customerId, sessionId: session.id, subscriptionId: subscription.id };
    },
    poll: () => pollStripeEvents(ctx),
    /** Starts server mode and points the stand-in's webhook deliveries at it. */
    async serve() {
      http = await createHttpServer({ app: t.app, port: 0, launchToken: 'test-launch-token' });
      const url = `http://127.0.0.1:${(http.server.server.address() as AddressInfo).port}/webhooks/stripe`;
      s.standIn.webhooks.configure({ url, secret: webhookSecret });
      return url;
    },
    async mirror(organizationId: string) {
      const [subscription, customer, invoices, paymentMethods] = await Promise.all([
        prisma.subscription.findUnique({ where: { organizationId }, omit: { createdAt: true, updatedAt: true, providerStateAt: true } }),
        prisma.billingCustomer.findUnique({ where: { organizationId }, omit: { createdAt: true, updatedAt: true, providerStateAt: true } }),
        prisma.billingInvoice.findMany({ where: { organizationId }, orderBy: { providerInvoiceId: 'asc' }, omit: { createdAt: true, updatedAt: true, providerStateAt: true } }),
        prisma.billingPaymentMethod.findMany({ where: { organizationId }, orderBy: { providerPaymentMethodId: 'asc' }, omit: { createdAt: true, updatedAt: true } }),
      ]);
      return { subscription, customer, invoices, paymentMethods };
    },
    /** Stripe's events, oldest first (the stand-in lists newest first). */
    events() {
      return s.standIn.store.all('event').reverse();
    },
    async close() {
      s.standIn.webhooks.configure(undefined);
      await http?.server.close();
      await t.close();
      if (!options.standIn) await s.close();
    },
  };
}

export type EventsFixture = Awaited<ReturnType<typeof startEventsFixture>>;

export function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
