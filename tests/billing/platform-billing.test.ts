// Platform staff acting on a tenant's billing (set plan, extend trial, billing credit, refund,
// suspend/unsuspend), and seats following active members through the seat-sync job — on PGlite and
// PostgreSQL, with the real `stripe` client against the stand-in.
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { syncSeatsWithMembers } from '../../server/billing/sync-seats-with-members';
import { issueInvitations } from '../../server/invitations/send-invitations';
import { backgroundJobs } from '../../server/jobs/registry';
import { getAccountState } from '../../server/metering/get-usage-state';
import type { PlatformRoleName } from '../../server/permissions/permissions';
import { databaseTargets } from '../helpers/databases';
import { MemoryCarrier } from '../helpers/test-app';
import { databaseFingerprint, seedPerson, seedTenant, type Tenant } from '../helpers/tenants';
import { startEventsFixture, type EventsFixture } from './events-helpers';

const DAY_MS = 86_400_000;

async function refused(promise: Promise<unknown>, code: TRPCError['code'], message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a refusal').toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  if (message) expect((error as TRPCError).message).toMatch(message);
  return error as TRPCError;
}

describe.each(databaseTargets)('platform billing on $name', (target) => {
  let f: EventsFixture;
  afterEach(() => f?.close());

  /** A tenant with seven active members on Starter (3 included + 4 extra seats), mirrored. */
  async function setUp(options: { provider?: boolean; trialDays?: number } = {}) {
    f = await startEventsFixture(target);
    if (options.provider !== false) f.t.app.services.billingProvider = f.s.provider;
    const tenant = await seedTenant(f.t.app, 'acme');
    const other = await seedTenant(f.t.app, 'globex');
    const staffOrg = { organizationId: (await f.prisma.organization.create({ data: { slug: 'meterdesk', name: 'Meterdesk' } })).id, slug: 'meterdesk' };
    const staff = {} as Record<PlatformRoleName, MemoryCarrier>;
    for (const role of ['super_admin', 'support', 'finance'] as const) {
      const person = await seedPerson(f.t.app, staffOrg, role.replace('_', ''));
      await f.prisma.user.update({ where: { id: person.userId }, data: { platformRole: role } });
      staff[role] = person.carrier;
    }
    await f.poll(); // the cursor starts here
    return { tenant, other, staff };
  }

  async function subscribe(tenant: Tenant, options: { trialDays?: number } = {}) {
    const sub = await f.subscribe(tenant.organizationId, 'starter', { extraSeats: 4, ...options });
    await f.poll();
    return sub;
  }

  const as = async (carrier: MemoryCarrier) => (await f.t.client(carrier)).api;
  const auditOf = (organizationId: string, action: string) => f.prisma.auditEvent.findMany({ where: { organizationId, action } });

  it('support applies a billing credit to the Stripe customer balance, audited with the reason; a double submission credits once', async () => {
    const { tenant, staff } = await setUp();
    const { customerId } = await subscribe(tenant);
    const support = await as(staff.support);
    const input = { organizationId: tenant.organizationId, amountMinor: 2500, reason: 'Outage on 2 Dec: goodwill credit', requestId: randomUUID() };
    const [first, second] = await Promise.all([support.platform.applyBillingCredit(input), support.platform.applyBillingCredit(input)]);
    expect(first).toMatchObject({ amountMinor: 2500, currency: 'usd', balanceMinor: -2500 });
    expect(second).toEqual(first);
    const customer = await f.s.stripe.customers.retrieve(customerId);
    expect(customer).toMatchObject({ balance: -2500 });
    expect((await f.s.stripe.customers.listBalanceTransactions(customerId)).data).toHaveLength(1);
    const audit = await auditOf(tenant.organizationId, 'platform.billing_credit.apply');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason: input.reason, actorUserId: expect.any(String), targetType: 'customer_balance_transaction' });
    expect(audit[0]!.after).toMatchObject({ amountMinor: 2500, requestId: input.requestId });
    // Finance may too; the tenant's own owner may not, and nothing is written.
    await (await as(staff.finance)).platform.applyBillingCredit({ ...input, amountMinor: 100, requestId: randomUUID() });
    const before = await databaseFingerprint(f.t.app);
    await refused((await as(tenant.people.owner.carrier)).platform.applyBillingCredit({ ...input, requestId: randomUUID() }), 'FORBIDDEN');
    expect(await databaseFingerprint(f.t.app)).toEqual(before);
    expect((await f.s.stripe.customers.retrieve(customerId))).toMatchObject({ balance: -2600 });
    // The same request id for another action is a client bug, refused.
    await refused(support.platform.suspendTenant({ organizationId: tenant.organizationId, reason: 'reuse', requestId: input.requestId }), 'CONFLICT', /already used/);
  });

  it('finance refunds within the paid amount; above it, another tenant’s invoice and the support role are refused; a double submission refunds once', async () => {
    const { tenant, other, staff } = await setUp();
    const { customerId } = await subscribe(tenant);
    const { customerId: otherCustomer } = await subscribe(other);
    const [invoice] = (await f.s.stripe.invoices.list({ customer: customerId })).data;
    const [foreign] = (await f.s.stripe.invoices.list({ customer: otherCustomer })).data;
    expect(invoice!.amount_paid).toBeGreaterThan(1000);
    const finance = await as(staff.finance);
    const base = { organizationId: tenant.organizationId, invoiceId: invoice!.id, reason: 'Charged twice for seats' };

    const before = await databaseFingerprint(f.t.app);
    await refused((await as(staff.support)).platform.refundInvoice({ ...base, amountMinor: 1000, requestId: randomUUID() }), 'FORBIDDEN');
    await refused((await as(tenant.people.owner.carrier)).platform.refundInvoice({ ...base, amountMinor: 1000, requestId: randomUUID() }), 'FORBIDDEN');
    await refused(finance.platform.refundInvoice({ ...base, amountMinor: invoice!.amount_paid + 1, requestId: randomUUID() }), 'BAD_REQUEST', /at most/);
    await refused(finance.platform.refundInvoice({ ...base, invoiceId: foreign!.id, amountMinor: 100, requestId: randomUUID() }), 'NOT_FOUND', /no such invoice/);
    expect(await databaseFingerprint(f.t.app)).toEqual(before);
    expect((await f.s.stripe.refunds.list()).data).toHaveLength(0);

    const input = { ...base, amountMinor: 1000, requestId: randomUUID() };
    const results = await Promise.all([finance.platform.refundInvoice(input), finance.platform.refundInvoice(input)]);
    expect(results[0]).toMatchObject({ amountMinor: 1000, currency: 'usd', refundId: expect.stringMatching(/^re_/) });
    expect(results[1]).toEqual(results[0]);
    expect((await f.s.stripe.refunds.list()).data.map((r) => r.amount)).toEqual([1000]);
    const audit = await auditOf(tenant.organizationId, 'platform.invoice.refund');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason: base.reason, targetId: invoice!.id, before: { status: 'paid', amountPaidMinor: invoice!.amount_paid } });
  });

  it('support extends a trial on Stripe and on a tenant billed outside it; finance may not', async () => {
    const { tenant, other, staff } = await setUp();
    const { subscriptionId } = await subscribe(tenant, { trialDays: 14 });
    const support = await as(staff.support);
    const trialEndsAt = new Date(Math.floor((Date.now() + 30 * DAY_MS) / 1000) * 1000);
    const input = { organizationId: tenant.organizationId, trialEndsAt, reason: 'Evaluation needs SSO review', requestId: randomUUID() };
    const before = await databaseFingerprint(f.t.app);
    await refused((await as(staff.finance)).platform.extendTrial(input), 'FORBIDDEN');
    expect(await databaseFingerprint(f.t.app)).toEqual(before);

    const [a, b] = await Promise.all([support.platform.extendTrial(input), support.platform.extendTrial(input)]);
    expect(a).toMatchObject({ trialEndsAt: trialEndsAt.toISOString(), status: 'trialing', via: 'stripe' });
    expect(b).toEqual(a);
    expect(await f.s.stripe.subscriptions.retrieve(subscriptionId)).toMatchObject({ status: 'trialing', trial_end: trialEndsAt.getTime() / 1000 });
    expect(await auditOf(tenant.organizationId, 'platform.trial.extend')).toEqual([expect.objectContaining({ reason: input.reason, targetId: subscriptionId })]);
    // Earlier than the current end: refused in words.
    await refused(support.platform.extendTrial({ ...input, trialEndsAt: new Date(Date.now() + 20 * DAY_MS), requestId: randomUUID() }), 'BAD_REQUEST', /already runs until/);

    // A tenant billed outside Stripe: its local row is the trial.
    const localEnd = new Date(f.t.clock.now().getTime() + 5 * DAY_MS);
    await f.prisma.subscription.create({ data: { organizationId: other.organizationId, planKey: 'growth', status: 'trialing', trialEndsAt: localEnd } });
    const later = new Date(localEnd.getTime() + 10 * DAY_MS);
    expect(await support.platform.extendTrial({ organizationId: other.organizationId, trialEndsAt: later, reason: 'Local trial', requestId: randomUUID() })).toMatchObject({ via: 'local' });
    expect(await f.prisma.subscription.findUnique({ where: { organizationId: other.organizationId } })).toMatchObject({ trialEndsAt: later, status: 'trialing' });
  });

  it('support suspends and unsuspends: metering reads the flag; finance and owners may not; a double submission suspends once', async () => {
    const { tenant, staff } = await setUp({ provider: false });
    const before = await databaseFingerprint(f.t.app);
    const input = { organizationId: tenant.organizationId, reason: 'Spam campaign reported by carrier', requestId: randomUUID() };
    await refused((await as(staff.finance)).platform.suspendTenant(input), 'FORBIDDEN');
    await refused((await as(tenant.people.owner.carrier)).platform.unsuspendTenant(input), 'FORBIDDEN');
    expect(await databaseFingerprint(f.t.app)).toEqual(before);

    const support = await as(staff.support);
    const [a, b] = await Promise.all([support.platform.suspendTenant(input), support.platform.suspendTenant(input)]);
    expect(b).toEqual(a);
    expect(await getAccountState(f.t.app.services.db, tenant.organizationId, f.t.clock.now())).toMatchObject({ suspended: true });
    expect(await f.prisma.organization.findUnique({ where: { id: tenant.organizationId } })).toMatchObject({ suspendedReason: input.reason });
    expect(await auditOf(tenant.organizationId, 'platform.tenant.suspend')).toHaveLength(1);
    await refused(support.platform.suspendTenant({ ...input, requestId: randomUUID() }), 'CONFLICT', /already suspended/);

    await support.platform.unsuspendTenant({ organizationId: tenant.organizationId, reason: 'Carrier cleared the account', requestId: randomUUID() });
    expect(await getAccountState(f.t.app.services.db, tenant.organizationId, f.t.clock.now())).toMatchObject({ suspended: false });
    const [unsuspended] = await auditOf(tenant.organizationId, 'platform.tenant.unsuspend');
    expect(unsuspended).toMatchObject({ reason: 'Carrier cleared the account', before: { suspendedReason: input.reason }, after: { suspendedAt: null } });
  });

  it('only a super admin sets a plan: through Stripe for a subscribed tenant, locally for one billed outside it', async () => {
    const { tenant, other, staff } = await setUp();
    const { subscriptionId } = await subscribe(tenant);
    const input = { organizationId: tenant.organizationId, planKey: 'growth' as const, reason: 'Sales agreed an upgrade', requestId: randomUUID() };
    const before = await databaseFingerprint(f.t.app);
    await refused((await as(staff.support)).platform.setTenantPlan(input), 'FORBIDDEN');
    await refused((await as(staff.finance)).platform.setTenantPlan(input), 'FORBIDDEN');
    await refused((await as(tenant.people.owner.carrier)).platform.setTenantPlan(input), 'FORBIDDEN');
    expect(await databaseFingerprint(f.t.app)).toEqual(before);

    const root = await as(staff.super_admin);
    const [a, b] = await Promise.all([root.platform.setTenantPlan(input), root.platform.setTenantPlan(input)]);
    expect(a).toMatchObject({ planKey: 'growth', via: 'stripe', effective: 'now' });
    expect(b).toEqual(a);
    const sub = await f.s.stripe.subscriptions.retrieve(subscriptionId);
    expect(sub.items.data.map((i) => i.price.lookup_key)).toContain('meterdesk_growth_monthly_v1');
    // Growth seats 10: seven members need no extra seat.
    expect(sub.items.data.some((i) => i.price.lookup_key?.includes('seat'))).toBe(false);
    expect(await auditOf(tenant.organizationId, 'platform.plan.set')).toHaveLength(1);
    // Contract plans are arranged with sales, also for staff, when Stripe bills the tenant.
    await refused(root.platform.setTenantPlan({ ...input, planKey: 'enterprise', requestId: randomUUID() }), 'BAD_REQUEST', /contact sales/);

    // Billed outside Stripe (no provider subscription): the local row.
    const local = { organizationId: other.organizationId, planKey: 'enterprise' as const, reason: 'Enterprise contract signed', requestId: randomUUID() };
    expect(await root.platform.setTenantPlan(local)).toMatchObject({ planKey: 'enterprise', via: 'local' });
    expect(await getAccountState(f.t.app.services.db, other.organizationId, f.t.clock.now())).toMatchObject({ planKey: 'enterprise', status: 'active' });
    await refused(root.platform.setTenantPlan({ ...local, requestId: randomUUID() }), 'CONFLICT', /already on the Enterprise plan/);
    expect(await auditOf(other.organizationId, 'platform.plan.set')).toEqual([expect.objectContaining({ reason: local.reason, before: null })]);
  });

  it('says Stripe is not configured where money would move, and writes nothing', async () => {
    const { tenant, staff } = await setUp({ provider: false });
    await f.prisma.subscription.create({ data: { organizationId: tenant.organizationId, planKey: 'starter', status: 'active', provider: 'stripe', providerCustomerId: 'cus_x', providerSubscriptionId: 'sub_x', providerStatus: 'active' } });
    const before = await databaseFingerprint(f.t.app);
    const base = { organizationId: tenant.organizationId, reason: 'testing', requestId: randomUUID() };
    await refused((await as(staff.support)).platform.applyBillingCredit({ ...base, amountMinor: 100 }), 'PRECONDITION_FAILED', /Stripe is not configured/);
    await refused((await as(staff.finance)).platform.refundInvoice({ ...base, invoiceId: 'in_123', amountMinor: 100 }), 'PRECONDITION_FAILED', /Stripe is not configured/);
    await refused((await as(staff.super_admin)).platform.setTenantPlan({ ...base, planKey: 'growth' }), 'PRECONDITION_FAILED', /Stripe is not configured/);
    await refused((await as(staff.support)).platform.extendTrial({ ...base, trialEndsAt: new Date(f.t.clock.now().getTime() + 7 * DAY_MS) }), 'PRECONDITION_FAILED', /Stripe is not configured/);
    expect(await databaseFingerprint(f.t.app)).toEqual(before);
  });

  describe('seats follow active members', () => {
    const seatQuantity = async (subscriptionId: string) =>
      (await f.s.stripe.subscriptions.retrieve(subscriptionId)).items.data.find((i) => i.price.lookup_key?.includes('seat'))?.quantity ?? 0;
    const sync = () => syncSeatsWithMembers(f.t.app.services.db, f.s.provider, f.t.clock);

    it('an accepted invitation adds a seat (prorated onto the next invoice); deactivating members removes seats', async () => {
      const { tenant } = await setUp();
      const { subscriptionId, customerId } = await subscribe(tenant);
      expect(await sync()).toEqual({ updated: 0, unchanged: 0, retrying: 0, skipped: 0 });
      // Registered as a background job wherever a billing provider is configured.
      const services = { db: f.t.app.services.db, clock: f.t.clock };
      expect(backgroundJobs({ ...services, billingProvider: f.s.provider }).map((j) => j.name)).toContain('sync-seats-with-members');
      expect(backgroundJobs({ ...services, billingProvider: null }).map((j) => j.name)).not.toContain('sync-seats-with-members');

      const [issued] = await f.prisma.$transaction((tx) =>
        issueInvitations(tx, { organizationId: tenant.organizationId, userId: tenant.people.owner.userId, role: 'owner' }, [{ email: 'eighth@acme.test', role: 'member' }], f.t.clock.now()),
      );
      await (await as(new MemoryCarrier())).invitations.accept({ token: issued!.token, name: 'Eighth Member', password: 'copper-meadow-signal-42' });
      expect(await sync()).toMatchObject({ updated: 1 });
      expect(await seatQuantity(subscriptionId)).toBe(5);
      const pending = (await f.s.stripe.invoiceItems.list({ customer: customerId, pending: true })).data;
      // Stripe prorates a quantity change as the unused time of the old quantity and the rest at the new one.
      expect(pending.map((i) => [i.quantity, Math.sign(i.amount)]).sort()).toEqual([[4, -1], [5, 1]]);
      expect(pending.reduce((n, i) => n + i.amount, 0)).toBeGreaterThan(0);
      // Before and after the mirror catches up, nothing more to do.
      expect(await sync()).toEqual({ updated: 0, unchanged: 0, retrying: 0, skipped: 0 });
      await f.poll();
      expect((await f.mirror(tenant.organizationId)).subscription).toMatchObject({ seatQuantity: 5 });
      expect(await sync()).toEqual({ updated: 0, unchanged: 0, retrying: 0, skipped: 0 });

      const admin = await as(tenant.people.admin.carrier);
      await admin.members.setStatus({ membershipId: tenant.people.guest.membershipId, status: 'deactivated' });
      await admin.members.setStatus({ membershipId: tenant.people.outsideMember.membershipId, status: 'deactivated' });
      expect(await sync()).toMatchObject({ updated: 1 });
      expect(await seatQuantity(subscriptionId)).toBe(3);
      // Back up and down before the mirror moves: each change reaches Stripe (no stale key reused).
      await admin.members.setStatus({ membershipId: tenant.people.guest.membershipId, status: 'active' });
      expect(await sync()).toMatchObject({ updated: 1 });
      expect(await seatQuantity(subscriptionId)).toBe(4);
      await admin.members.setStatus({ membershipId: tenant.people.guest.membershipId, status: 'deactivated' });
      expect(await sync()).toMatchObject({ updated: 1 });
      expect(await seatQuantity(subscriptionId)).toBe(3);
      // Removing a member frees a seat too.
      await admin.members.remove({ membershipId: tenant.people.teammate.membershipId });
      expect(await sync()).toMatchObject({ updated: 1 });
      expect(await seatQuantity(subscriptionId)).toBe(2);
      expect(await f.prisma.seatSync.findUnique({ where: { organizationId: tenant.organizationId } })).toMatchObject({ syncedQuantity: 2, attempts: 0, leasedUntil: null });
    });

    it('a Stripe failure is retried later with backoff', async () => {
      const { tenant } = await setUp();
      const { subscriptionId } = await subscribe(tenant);
      await seedPerson(f.t.app, tenant, 'newcomer');
      f.s.standIn.failNext(1, 500, { shouldRetry: false, match: { method: 'POST', path: `/v1/subscriptions/${subscriptionId}` } });
      expect(await sync()).toMatchObject({ retrying: 1 });
      expect(await f.prisma.seatSync.findUnique({ where: { organizationId: tenant.organizationId } })).toMatchObject({ attempts: 1, lastError: expect.stringMatching(/will retry/) });
      expect(await seatQuantity(subscriptionId)).toBe(4);
      // In backoff: not tried again at once.
      expect(await sync()).toMatchObject({ skipped: 1, updated: 0 });
      f.t.clock.advance(60_000);
      expect(await sync()).toMatchObject({ updated: 1 });
      expect(await seatQuantity(subscriptionId)).toBe(5);
      expect(await f.prisma.seatSync.findUnique({ where: { organizationId: tenant.organizationId } })).toMatchObject({ attempts: 0, lastError: null });
    });

    it('two job runners at once make one update', async () => {
      const { tenant } = await setUp();
      const { subscriptionId, customerId } = await subscribe(tenant);
      await seedPerson(f.t.app, tenant, 'newcomer');
      await seedPerson(f.t.app, tenant, 'another');
      const outcomes = await Promise.all([sync(), sync(), sync()]);
      expect(outcomes.reduce((n, o) => n + o.updated, 0)).toBe(1);
      expect(outcomes.reduce((n, o) => n + o.unchanged, 0)).toBe(0);
      expect(await seatQuantity(subscriptionId)).toBe(6);
      // One change from 4 to 6 seats: its two proration lines, nothing more.
      const pending = (await f.s.stripe.invoiceItems.list({ customer: customerId, pending: true })).data;
      expect(pending.map((i) => [i.quantity, Math.sign(i.amount)]).sort()).toEqual([[4, -1], [6, 1]]);
    });
  });
});
