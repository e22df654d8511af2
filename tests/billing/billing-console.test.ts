// The console's billing procedures end to end on the server: the real `stripe` client against the
// stand-in, on PGlite and PostgreSQL. Checkout → completed on the stand-in → checkoutStatus applies
// it → the overview shows the new plan and limits; plan change at the previewed amount;
// cancel/resume; invoices; the portal; roles refused writing nothing; billing not configured.
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { refused } from '../helpers/refusals';
import { startEventsFixture, type EventsFixture } from './events-helpers';
import type { MemoryCarrier } from '../helpers/test-app';
import { jsonText } from '../helpers/json-text';

async function api(t: TestApp, carrier: MemoryCarrier) {
  return (await t.client(carrier)).api;
}

describe.each(databaseTargets)('billing console on $name', (target) => {
  let f: EventsFixture | undefined;
  let plain: TestApp | undefined;
  afterEach(async () => {
    await f?.close();
    await plain?.close();
    f = plain = undefined;
  });

  async function setUp() {
    f = await startEventsFixture(target);
    f.t.app.services.billingProvider = f.s.provider;
    const tenant = await seedTenant(f.t.app, 'alpha');
    return { f, t: f.t, tenant, owner: await api(f.t, tenant.people.owner.carrier) };
  }

  async function subscribe(t: TestApp, f: EventsFixture, tenant: Tenant, planKey: 'starter' | 'growth' = 'starter') {
    const owner = await api(t, tenant.people.owner.carrier);
    const checkout = await owner.billing.startCheckout({ planKey, interval: 'month' });
    expect(checkout.url).toMatch(/^https?:\/\//);
    expect(await owner.billing.checkoutStatus({ sessionId: checkout.sessionId })).toEqual({ status: 'open', planKey: null });
    f.s.standIn.completeCheckoutSession(checkout.sessionId);
    return { checkout, status: await owner.billing.checkoutStatus({ sessionId: checkout.sessionId }) };
  }

  it('checkout completed on Stripe shows the new plan and limits at once, before any event arrives', async () => {
    const { f, t, tenant, owner } = await setUp();
    const before = await owner.billing.overview();
    expect(before).toMatchObject({ configured: true, plan: { key: 'free' }, hasSubscription: false, paymentMethod: null });
    expect(before.usage.find((m) => m.metric === 'sms_sent')).toMatchObject({ limit: 100, remaining: 100 });
    expect(before.plans.map((p) => p.key)).toEqual(['free', 'starter', 'growth', 'pro', 'enterprise']);

    const { status } = await subscribe(t, f, tenant);
    expect(status).toEqual({ status: 'complete', planKey: 'starter' });
    // No webhook or poll ran: the processor's own effect applied the session.
    expect(await f.prisma.billingEvent.count()).toBe(0);
    const after = await owner.billing.overview();
    expect(after).toMatchObject({ plan: { key: 'starter', name: 'Starter' }, status: 'active', interval: 'month', hasSubscription: true, cancelAtPeriodEnd: false });
    expect(after.usage.find((m) => m.metric === 'sms_sent')).toMatchObject({ limit: 1000, remaining: 1000 });
    expect(after.paymentMethod).toMatchObject({ brand: 'visa', last4: '4242' });
    expect(after.seats).toMatchObject({ activeMembers: 7, included: 3, extra: 4 });
    // The invoice the checkout paid is listed at once too.
    expect(await owner.billing.invoices()).toHaveLength(1);
    // The poller later finds the mirror already current.
    await f.poll();
    expect((await owner.billing.overview()).plan.key).toBe('starter');

    const invoices = await owner.billing.invoices();
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ status: 'paid', currency: 'usd', totalMinor: 2900 + 4 * 900 });
    expect(invoices[0]!.hostedUrl).toMatch(/^https?:\/\//);

    // The same plan again, or a second subscription, is refused with what to do.
    await refused(owner.billing.startCheckout({ planKey: 'starter', interval: 'month' }), 'CONFLICT', /already on the Starter plan/);
    await refused(owner.billing.startCheckout({ planKey: 'growth', interval: 'month' }), 'CONFLICT', /change its plan/);
    await refused(owner.billing.startCheckout({ planKey: 'enterprise', interval: 'month' }), 'BAD_REQUEST', /Contact sales/i);
    const audit = await f.prisma.auditEvent.findMany({ where: { organizationId: tenant.organizationId, action: { in: ['billing.customer_created', 'billing.checkout_started'] } } });
    expect(audit.map((a) => a.action).sort()).toEqual(['billing.checkout_started', 'billing.customer_created']);
    expect(audit.every((a) => a.actorUserId === tenant.people.owner.userId)).toBe(true);
  });

  it('charges on a plan change exactly the previewed amount, and the new limits apply at once', async () => {
    const { f, t, tenant, owner } = await setUp();
    await subscribe(t, f, tenant);
    await refused(owner.billing.previewChange({ planKey: 'starter', interval: 'month' }), 'CONFLICT');
    const preview = await owner.billing.previewChange({ planKey: 'pro', interval: 'month' });
    // Pro includes the 4 extra seats Starter billed: 9900 − 2900 − 4 × 900 for a whole period.
    expect(preview.amountDueMinor).toBeGreaterThan(0);
    expect(preview.currency).toBe('usd');
    const result = await owner.billing.changePlan({ planKey: 'pro', interval: 'month', when: 'now', prorationDate: preview.prorationDate });
    expect(result).toMatchObject({ effective: 'now', amountDueMinor: preview.amountDueMinor, currency: 'usd' });
    const overview = await owner.billing.overview();
    expect(overview.plan.key).toBe('pro');
    expect(overview.usage.find((m) => m.metric === 'sms_sent')).toMatchObject({ limit: 5000 });
    const invoices = await owner.billing.invoices();
    expect(invoices.find((i) => result.effective === 'now' && i.id === result.invoiceId)).toMatchObject({ amountDueMinor: preview.amountDueMinor });
    // A double click (same confirmation) changes and charges once.
    const again = await owner.billing.changePlan({ planKey: 'pro', interval: 'month', when: 'now', prorationDate: preview.prorationDate });
    expect(again).toMatchObject({ effective: 'now', invoiceId: result.effective === 'now' ? result.invoiceId : null });
    expect(f.s.standIn.store.all('invoice').filter((i) => i.billing_reason === 'subscription_update')).toHaveLength(1);
    expect(await f.prisma.auditEvent.count({ where: { organizationId: tenant.organizationId, action: 'billing.plan_changed' } })).toBe(2);
  });

  it('cancels at period end and resumes; the portal opens for the payment method', async () => {
    const { f, t, tenant, owner } = await setUp();
    await refused(owner.billing.cancel(), 'PRECONDITION_FAILED', /no paid subscription/);
    await refused(owner.billing.openPortal({ flow: 'payment_method_update' }), 'PRECONDITION_FAILED');
    await subscribe(t, f, tenant);
    expect(await owner.billing.cancel()).toMatchObject({ cancelAtPeriodEnd: true });
    expect(await owner.billing.overview()).toMatchObject({ cancelAtPeriodEnd: true, status: 'active', plan: { key: 'starter' } });
    expect(await owner.billing.resume()).toMatchObject({ cancelAtPeriodEnd: false });
    expect((await owner.billing.overview()).cancelAtPeriodEnd).toBe(false);
    const portal = await owner.billing.openPortal({ flow: 'payment_method_update' });
    expect(portal.url).toMatch(/^https?:\/\//);
    const actions = (await f.prisma.auditEvent.findMany({ where: { organizationId: tenant.organizationId, action: { startsWith: 'billing.' }, actorUserId: tenant.people.owner.userId } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['billing.subscription_cancel_scheduled', 'billing.subscription_resumed', 'billing.portal_opened']));
    expect(jsonText(await f.prisma.auditEvent.findMany())).not.toContain(portal.url);
  });

  it('refuses every role but the owner, and other organizations’ sessions, writing nothing', async () => {
    const { f, t, tenant, owner } = await setUp();
    const { checkout } = await subscribe(t, f, tenant);
    for (const who of ['admin', 'manager', 'member', 'guest'] as const) {
      const caller = await api(t, tenant.people[who].carrier);
      const before = await databaseFingerprint(t.app);
      await refused(caller.billing.startCheckout({ planKey: 'growth', interval: 'month' }), 'FORBIDDEN');
      await refused(caller.billing.changePlan({ planKey: 'growth', interval: 'month', when: 'now' }), 'FORBIDDEN');
      await refused(caller.billing.cancel(), 'FORBIDDEN');
      await refused(caller.billing.openPortal({ flow: 'payment_method_update' }), 'FORBIDDEN');
      await refused(caller.billing.checkoutStatus({ sessionId: checkout.sessionId }), 'FORBIDDEN');
      if (who !== 'admin') await refused(caller.billing.overview(), 'FORBIDDEN');
      expect(await databaseFingerprint(t.app)).toEqual(before);
    }
    // Admins see billing.
    expect((await (await api(t, tenant.people.admin.carrier)).billing.overview()).plan.key).toBe('starter');
    // Another organization's owner polling A's session: unknown, nothing fetched or written.
    const other = await seedTenant(t.app, 'bravo');
    const intruder = await api(t, other.people.owner.carrier);
    const before = await databaseFingerprint(t.app);
    await refused(intruder.billing.checkoutStatus({ sessionId: checkout.sessionId }), 'NOT_FOUND');
    expect(await intruder.billing.invoices()).toEqual([]);
    expect((await intruder.billing.overview()).plan.key).toBe('free');
    expect(await databaseFingerprint(t.app)).toEqual(before);
    await refused(owner.billing.checkoutStatus({ sessionId: 'cs_<script>' }), 'BAD_REQUEST');
  });

  it('a double-clicked checkout creates one billing customer', async () => {
    const { f, tenant, owner } = await setUp();
    const [a, b] = await Promise.all([owner.billing.startCheckout({ planKey: 'starter', interval: 'month' }), owner.billing.startCheckout({ planKey: 'starter', interval: 'month' })]);
    expect(a.sessionId).not.toBe(b.sessionId);
    const customers = f.s.standIn.store.all('customer').filter((c) => (c.metadata as Record<string, string> | undefined)?.meterdesk_organization_id === tenant.organizationId);
    expect(customers).toHaveLength(1);
    expect(await f.prisma.billingCustomer.findUnique({ where: { organizationId: tenant.organizationId } })).toMatchObject({ providerCustomerId: customers[0]!.id });
  });

  it('says clearly when billing is not set up, writing nothing', async () => {
    plain = await startTestApp(target);
    plain.app.services.billingProvider = null;
    plain.app.stripeEvents = null;
    const tenant = await seedTenant(plain.app, 'alpha');
    const owner = await api(plain, tenant.people.owner.carrier);
    expect(await owner.billing.overview()).toMatchObject({ configured: false, plan: { key: 'free' } });
    const before = await databaseFingerprint(plain.app);
    for (const call of [
      () => owner.billing.startCheckout({ planKey: 'starter', interval: 'month' }),
      () => owner.billing.previewChange({ planKey: 'growth', interval: 'month' }),
      () => owner.billing.cancel(),
      () => owner.billing.openPortal({ flow: 'payment_method_update' }),
      () => owner.billing.checkoutStatus({ sessionId: 'cs_test_123' }),
    ]) {
      await refused(call(), 'PRECONDITION_FAILED', /Billing is not set up on this server: set STRIPE_SECRET_KEY/);
    }
    expect(await databaseFingerprint(plain.app)).toEqual(before);
  });
});
