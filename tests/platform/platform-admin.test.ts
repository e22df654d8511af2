// Platform administration (issue 11): staff roles, tenant filters and detail, admin notes, people
// across tenants, platform usage, system health and the support tools — each for every platform
// role the permission table allows or refuses, and with hostile input. Refusals write nothing.
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformRoleCan, PLATFORM_ROLES, type PlatformPermission } from '../../server/permissions/permissions';
import { databaseTargets } from '../helpers/databases';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedPerson, seedTenant, type Person, type Tenant } from '../helpers/tenants';

type Caller = Awaited<ReturnType<TestApp['app']['createCaller']>>;

describe.each(databaseTargets)('platform administration on $name', (target) => {
  let t: TestApp;
  let acme: Tenant;
  let bravo: Tenant;
  const staff = {} as Record<'super_admin' | 'support' | 'finance', Person>;
  const as = (p: Person | MemoryCarrier): Promise<Caller> => t.app.createCaller(p instanceof MemoryCarrier ? p : p.carrier);

  async function refused(carrier: MemoryCarrier, fn: (api: Caller) => Promise<unknown>, codes = ['FORBIDDEN']) {
    const before = await databaseFingerprint(t.app);
    const error = await fn(await as(carrier)).then(
      (r) => new Error(`allowed: ${JSON.stringify(r)?.slice(0, 200)}`),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect(codes, (error as Error).message).toContain((error as TRPCError).code);
    expect(await databaseFingerprint(t.app), 'a refused request wrote').toEqual(before);
  }

  beforeAll(async () => {
    t = await startTestApp(target);
    const p = t.app.services.db.prisma;
    acme = await seedTenant(t.app, 'acme');
    bravo = await seedTenant(t.app, 'bravo');
    const home = await seedTenant(t.app, 'platformhq');
    for (const role of PLATFORM_ROLES) {
      staff[role] = await seedPerson(t.app, { organizationId: home.organizationId, slug: 'platformhq' }, role.replace('_', ''));
      await p.user.update({ where: { id: staff[role].userId }, data: { platformRole: role } });
    }
  });
  afterAll(() => t?.close());

  describe('staff', () => {
    it('a super admin invites a new person, who sets a password through the link and signs in with the role', async () => {
      const api = await as(staff.super_admin);
      const invited = await api.platformAdmin.inviteStaff({ email: 'Sam.Support@Platform.test', name: 'Sam Support', role: 'support', reason: 'New support hire, ticket HR-12' });
      expect(invited.newAccount).toBe(true);
      expect(invited.link).toMatch(/reset-password\/mdr_/);
      const token = invited.link!.split('/reset-password/')[1]!;
      const anonymous = await as(new MemoryCarrier());
      await anonymous.auth.resetPassword({ token, password: 'violet-harbour-tangent-42' });
      const carrier = new MemoryCarrier();
      await (await as(carrier)).auth.signIn({ email: 'sam.support@platform.test', password: 'violet-harbour-tangent-42' });
      const me = await (await as(carrier)).auth.me();
      expect(me?.user.platformRole).toBe('support');
      const audit = await t.app.services.db.prisma.platformAuditEvent.findFirstOrThrow({ where: { action: 'platform.staff.invite', targetId: invited.userId } });
      expect(audit).toMatchObject({ actorUserId: staff.super_admin.userId, reason: 'New support hire, ticket HR-12' });
      const list = await api.platformAdmin.staff();
      expect(list.find((s) => s.email === 'sam.support@platform.test')).toMatchObject({ platformRole: 'support', invitationPending: false });
      expect(JSON.stringify(list)).not.toMatch(/passwordHash|argon2/);
    });

    it('an existing account gets the role at once; existing staff are refused', async () => {
      const api = await as(staff.super_admin);
      const result = await api.platformAdmin.inviteStaff({ email: bravo.people.guest.email, name: 'ignored', role: 'finance', reason: 'Moves to finance' });
      expect(result).toMatchObject({ newAccount: false, link: null, userId: bravo.people.guest.userId });
      await refused(staff.super_admin.carrier, (a) => a.platformAdmin.inviteStaff({ email: staff.support.email, name: 'x', role: 'finance', reason: 'again' }), ['CONFLICT']);
      // Back to a plain tenant user for the other tests.
      await api.platformAdmin.revokeStaff({ userId: bravo.people.guest.userId, reason: 'Left finance' });
      expect((await t.app.services.db.prisma.user.findUniqueOrThrow({ where: { id: bravo.people.guest.userId } })).platformRole).toBeNull();
    });

    it('changes and revokes roles, audited; the last super admin cannot be removed', async () => {
      const api = await as(staff.super_admin);
      await refused(staff.super_admin.carrier, (a) => a.platformAdmin.changeStaffRole({ userId: staff.super_admin.userId, role: 'support', reason: 'Demote myself' }), ['PRECONDITION_FAILED']);
      await refused(staff.super_admin.carrier, (a) => a.platformAdmin.revokeStaff({ userId: staff.super_admin.userId, reason: 'Leave' }), ['PRECONDITION_FAILED']);
      const second = await api.platformAdmin.inviteStaff({ email: 'root2@platform.test', name: 'Root Two', role: 'super_admin', reason: 'A second super admin' });
      // Two super admins removing each other at once: one of them stays.
      await t.app.services.db.prisma.user.update({ where: { id: second.userId }, data: { passwordHash: 'x' } });
      const otherCarrier = new MemoryCarrier();
      const { createSession } = await import('../../server/auth/create-session');
      otherCarrier.token = (await createSession(t.app.services.db.prisma, { userId: second.userId, remember: false }, { clock: t.clock, policy: t.app.services.authPolicy })).token;
      const other = await as(otherCarrier);
      const results = await Promise.allSettled([
        api.platformAdmin.revokeStaff({ userId: second.userId, reason: 'Race one' }),
        other.platformAdmin.revokeStaff({ userId: staff.super_admin.userId, reason: 'Race two' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await t.app.services.db.prisma.user.count({ where: { platformRole: 'super_admin' } })).toBe(1);
      // Restore the fixture's super admin if the race removed them.
      await t.app.services.db.prisma.user.update({ where: { id: staff.super_admin.userId }, data: { platformRole: 'super_admin' } });
      await t.app.services.db.prisma.user.update({ where: { id: second.userId }, data: { platformRole: null } });
      const changed = await (await as(staff.super_admin)).platformAdmin.changeStaffRole({ userId: staff.finance.userId, role: 'support', reason: 'Covering support this week' });
      expect(changed.platformRole).toBe('support');
      const audit = await t.app.services.db.prisma.platformAuditEvent.findFirstOrThrow({ where: { action: 'platform.staff.role_change', targetId: staff.finance.userId } });
      expect(audit.before).toMatchObject({ platformRole: 'finance' });
      expect(audit.after).toMatchObject({ platformRole: 'support' });
      await (await as(staff.super_admin)).platformAdmin.changeStaffRole({ userId: staff.finance.userId, role: 'finance', reason: 'Back to finance' });
    });

    it('support, finance and tenant users cannot see or manage staff', async () => {
      for (const carrier of [staff.support.carrier, staff.finance.carrier, acme.people.owner.carrier]) {
        await refused(carrier, (a) => a.platformAdmin.staff());
        await refused(carrier, (a) => a.platformAdmin.inviteStaff({ email: 'eve@evil.test', name: 'Eve', role: 'super_admin', reason: 'takeover' }));
        await refused(carrier, (a) => a.platformAdmin.changeStaffRole({ userId: staff.support.userId, role: 'super_admin', reason: 'promote me' }));
        await refused(carrier, (a) => a.platformAdmin.revokeStaff({ userId: staff.super_admin.userId, reason: 'remove root' }));
      }
    });

    it('refuses hostile staff input', async () => {
      const c = staff.super_admin.carrier;
      await refused(c, (a) => a.platformAdmin.inviteStaff({ email: 'x@y.test', name: 'X', role: 'owner' as never, reason: 'bad role' }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platformAdmin.inviteStaff({ email: 'x@y.test', name: 'X\u0000', role: 'support', reason: 'control char' }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platformAdmin.inviteStaff({ email: 'x@y.test', name: 'X', role: 'support', reason: 'r'.repeat(100_000) }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platformAdmin.inviteStaff({ email: 'x@y.test', name: 'X', role: 'support', reason: '' }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platformAdmin.changeStaffRole({ userId: 'not-a-uuid', role: 'support', reason: 'bad id' }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platformAdmin.changeStaffRole({ userId: acme.people.owner.userId, role: 'support', reason: 'not staff' }), ['NOT_FOUND']);
      await refused(c, (a) => a.platformAdmin.revokeStaff({ userId: staff.support.userId, reason: { nested: { deep: 1 } } as never }), ['BAD_REQUEST']);
    });
  });

  describe('tenants', () => {
    beforeAll(async () => {
      const p = t.app.services.db.prisma;
      const now = t.clock.now();
      await p.subscription.create({ data: { organizationId: acme.organizationId, planKey: 'starter', status: 'trialing', trialEndsAt: new Date(now.getTime() + 3 * 86_400_000) } });
      await p.subscription.create({ data: { organizationId: bravo.organizationId, planKey: 'growth', status: 'active' } });
      await p.organization.update({ where: { id: bravo.organizationId }, data: { suspendedAt: now, suspendedReason: 'abuse' } });
      // acme used 900 of starter's 1,000 SMS this period: near its limit.
      const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      await p.usageCounter.create({ data: { organizationId: acme.organizationId, scope: 'organization', scopeId: acme.organizationId, metric: 'sms_sent', periodStart, used: 900 } });
      await p.user.update({ where: { id: acme.people.member.userId }, data: { lastSignInAt: now } });
      await p.user.update({ where: { id: acme.people.teammate.userId }, data: { lastSignInAt: now } });
    });

    it('filters by plan, status, trial ending, suspension, usage and activity', async () => {
      const api = await as(staff.support);
      const slugs = async (input: Parameters<Caller['platform']['listTenants']>[0]) => (await api.platform.listTenants(input)).tenants.map((x) => x.slug);
      expect(await slugs({ plan: 'starter' })).toEqual(['acme']);
      expect(await slugs({ status: 'trialing' })).toEqual(['acme']);
      expect(await slugs({ trialEndingWithinDays: 7 })).toEqual(['acme']);
      expect(await slugs({ trialEndingWithinDays: 2 })).toEqual([]);
      expect(await slugs({ suspended: true })).toEqual(['bravo']);
      expect(await slugs({ usage: 'near' })).toEqual(['acme']);
      expect(await slugs({ usage: 'over' })).toEqual([]);
      expect(await slugs({ activity: 'active_7d' })).toEqual(['acme']);
      expect(await slugs({ activity: 'inactive_30d', search: 'bra' })).toEqual(['bravo']);
      const [row] = (await api.platform.listTenants({ search: 'acme' })).tenants;
      expect(row).toMatchObject({ planKey: 'starter', status: 'trialing', usageRatio: 0.9 });
      await refused(staff.support.carrier, (a) => a.platform.listTenants({ plan: 'platinum' as never }), ['BAD_REQUEST']);
      await refused(staff.support.carrier, (a) => a.platform.listTenants({ search: 'a\u0007b' }), ['BAD_REQUEST']);
      await refused(staff.support.carrier, (a) => a.platform.listTenants({ trialEndingWithinDays: -1 }), ['BAD_REQUEST']);
    });

    it('tenant detail: members, subscription, API key prefixes only, notes added by support', async () => {
      const p = t.app.services.db.prisma;
      const key = await (await as(acme.people.owner)).apiKeys.create({ name: 'Sync', scopes: ['usage:write'] });
      const support = await as(staff.support);
      const note = await support.platformAdmin.addNote({ organizationId: acme.organizationId, body: 'Called about SMS limits.\nOffered a trial extension.' });
      const detail = await support.platformAdmin.tenantDetail({ organizationId: acme.organizationId });
      expect(detail.members.map((m) => m.email)).toContain(acme.people.owner.email);
      expect(detail.subscription).toMatchObject({ planKey: 'starter', status: 'trialing' });
      expect(detail.apiKeys[0]).toMatchObject({ name: 'Sync', prefix: key.prefix });
      const stored = await p.apiKey.findFirstOrThrow({ where: { organizationId: acme.organizationId } });
      expect(JSON.stringify(detail)).not.toContain(stored.keyHash);
      expect(JSON.stringify(detail)).not.toContain(key.key);
      expect(detail.notes[0]).toMatchObject({ id: note.id, body: 'Called about SMS limits.\nOffered a trial extension.', author: { email: staff.support.email } });
      expect(await p.platformAuditEvent.count({ where: { action: 'platform.tenant.note', targetId: acme.organizationId, actorUserId: staff.support.userId } })).toBe(1);
      // Finance reads tenants (and their invoices) but writes no notes.
      await (await as(staff.finance)).platformAdmin.tenantDetail({ organizationId: acme.organizationId });
      await refused(staff.finance.carrier, (a) => a.platformAdmin.addNote({ organizationId: acme.organizationId, body: 'finance note' }));
      await refused(staff.support.carrier, (a) => a.platformAdmin.tenantDetail({ organizationId: randomUUID() }), ['NOT_FOUND']);
      await refused(staff.support.carrier, (a) => a.platformAdmin.addNote({ organizationId: randomUUID(), body: 'nowhere' }), ['NOT_FOUND']);
      await refused(staff.support.carrier, (a) => a.platformAdmin.addNote({ organizationId: acme.organizationId, body: 'bell\u0007' }), ['BAD_REQUEST']);
      await refused(staff.support.carrier, (a) => a.platformAdmin.addNote({ organizationId: acme.organizationId, body: 'x'.repeat(5000) }), ['BAD_REQUEST']);
      await refused(staff.support.carrier, (a) => a.platformAdmin.addNote({ organizationId: acme.organizationId, body: ['a', ['b']] as never }), ['BAD_REQUEST']);
    });

    it("the tenant's audit trail, through the tenant's own use case", async () => {
      const support = await as(staff.support);
      await support.platform.grantCredits({ organizationId: acme.organizationId, metric: 'sms_sent', amount: 100, reason: 'Goodwill after outage' });
      const trail = await support.platformAdmin.tenantAuditTrail({ organizationId: acme.organizationId });
      expect(trail.map((e) => e.action)).toContain('credits.grant');
      expect(trail.every((e) => e.organizationId === acme.organizationId)).toBe(true);
    });

    it('finds people across tenants with their memberships and last sign-in', async () => {
      const found = await (await as(staff.support)).platformAdmin.searchUsers({ query: 'TEAMMATE@acme' });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ email: acme.people.teammate.email, memberships: [{ slug: 'acme', role: 'member' }] });
      expect(found[0]!.lastSignInAt).toBeInstanceOf(Date);
      expect(JSON.stringify(found)).not.toMatch(/passwordHash/);
      await refused(staff.finance.carrier, (a) => a.platformAdmin.searchUsers({ query: 'acme' }));
      await refused(staff.support.carrier, (a) => a.platformAdmin.searchUsers({ query: 'a' }), ['BAD_REQUEST']);
      await refused(staff.support.carrier, (a) => a.platformAdmin.searchUsers({ query: '\u001b[31m' }), ['BAD_REQUEST']);
    });
  });

  describe('support tools', () => {
    it('resends a pending invitation with a reason, audited once per request', async () => {
      const { id } = await (await as(acme.people.owner)).invitations.create({ email: 'late@acme.test', role: 'member' });
      const support = await as(staff.support);
      const requestId = randomUUID();
      const first = await support.platformAdmin.resendInvitation({ organizationId: acme.organizationId, invitationId: id, reason: 'Customer lost the email', requestId });
      expect(first.replayed).toBe(false);
      const again = await support.platformAdmin.resendInvitation({ organizationId: acme.organizationId, invitationId: id, reason: 'Customer lost the email', requestId });
      expect(again.replayed).toBe(true);
      const p = t.app.services.db.prisma;
      expect(await p.auditEvent.count({ where: { action: 'platform.invitation.resend', targetId: id, organizationId: acme.organizationId, reason: 'Customer lost the email' } })).toBe(1);
      expect((await p.invitation.findUniqueOrThrow({ where: { organizationId_id: { organizationId: acme.organizationId, id } } })).sendCount).toBe(2);
      // Another tenant's id with this invitation: not found, nothing written.
      await refused(staff.support.carrier, (a) => a.platformAdmin.resendInvitation({ organizationId: bravo.organizationId, invitationId: id, reason: 'wrong tenant', requestId: randomUUID() }), ['NOT_FOUND']);
      await refused(staff.support.carrier, (a) => a.platformAdmin.resendInvitation({ organizationId: acme.organizationId, invitationId: id, reason: '', requestId: randomUUID() }), ['BAD_REQUEST']);
      await refused(staff.finance.carrier, (a) => a.platformAdmin.resendInvitation({ organizationId: acme.organizationId, invitationId: id, reason: 'finance tries', requestId: randomUUID() }));
    });

    it("ends a person's sessions with a reason; only super admins end staff sessions", async () => {
      const victim = await seedPerson(t.app, { organizationId: acme.organizationId, slug: 'acme' }, 'laptopstolen');
      await refused(staff.finance.carrier, (a) => a.platformAdmin.endUserSessions({ userId: victim.userId, reason: 'finance tries' }));
      await refused(staff.support.carrier, (a) => a.platformAdmin.endUserSessions({ userId: victim.userId, reason: '  ' }), ['BAD_REQUEST']);
      const result = await (await as(staff.support)).platformAdmin.endUserSessions({ userId: victim.userId, reason: 'Laptop stolen, ticket 881' });
      expect(result.sessionsEnded).toBe(1);
      expect(await (await as(victim)).auth.me()).toBeNull();
      expect(await t.app.services.db.prisma.platformAuditEvent.count({ where: { action: 'platform.user.end_sessions', targetId: victim.userId, reason: 'Laptop stolen, ticket 881' } })).toBe(1);
      await refused(staff.support.carrier, (a) => a.platformAdmin.endUserSessions({ userId: staff.super_admin.userId, reason: 'lock root out' }));
      await refused(staff.support.carrier, (a) => a.platformAdmin.endUserSessions({ userId: randomUUID(), reason: 'nobody' }), ['NOT_FOUND']);
    });

    it('the existing support tools all require a reason', async () => {
      const c = staff.super_admin.carrier;
      const org = acme.organizationId;
      const requestId = randomUUID();
      await refused(c, (a) => a.platform.grantCredits({ organizationId: org, metric: 'sms_sent', amount: 1, reason: '' }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platform.setQuotaOverride({ organizationId: org, metric: 'sms_sent', limit: 1, endsAt: new Date(Date.now() + 86_400_000), reason: '' }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platform.extendTrial({ organizationId: org, trialEndsAt: new Date(Date.now() + 86_400_000), reason: '', requestId }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platform.setTenantPlan({ organizationId: org, planKey: 'growth', reason: '', requestId }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platform.suspendTenant({ organizationId: org, reason: '', requestId }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platform.unsuspendTenant({ organizationId: org, reason: '', requestId }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platform.applyBillingCredit({ organizationId: org, amountMinor: 100, reason: '', requestId }), ['BAD_REQUEST']);
      await refused(c, (a) => a.platform.issuePasswordResetLink({ email: acme.people.member.email, reason: '' }), ['BAD_REQUEST']);
    });
  });

  describe('platform usage and system health', () => {
    it('usage by metric across tenants, top tenants and growth, from the daily rollups', async () => {
      const p = t.app.services.db.prisma;
      const today = new Date(Date.UTC(t.clock.now().getUTCFullYear(), t.clock.now().getUTCMonth(), t.clock.now().getUTCDate()));
      const day = (n: number) => new Date(today.getTime() - n * 86_400_000);
      const rows = [
        [acme.organizationId, 'sms_sent', 0, 300],
        [acme.organizationId, 'sms_sent', 10, 100],
        [bravo.organizationId, 'sms_sent', 1, 50],
        [bravo.organizationId, 'sms_sent', 40, 200], // the previous 30-day window
        [bravo.organizationId, 'emails_sent', 2, 7],
      ] as const;
      for (const [organizationId, metric, ago, quantity] of rows) await p.usageDailyRollup.create({ data: { organizationId, scope: 'organization', scopeId: organizationId, metric, day: day(ago), quantity } });
      // Team rows are part of the same totals: never counted twice.
      await p.usageDailyRollup.create({ data: { organizationId: acme.organizationId, scope: 'team', scopeId: acme.managedTeamId, metric: 'sms_sent', day: day(0), quantity: 300 } });
      const usage = await (await as(staff.support)).platformAdmin.usage({ days: 30, metric: 'sms_sent' });
      expect(usage.byMetric.find((m) => m.metric === 'sms_sent')).toEqual({ metric: 'sms_sent', current: 450, previous: 200, tenants: 2, growth: 1.25 });
      expect(usage.byMetric.find((m) => m.metric === 'emails_sent')).toMatchObject({ current: 7, previous: 0, growth: null });
      expect(usage.topTenants.map((x) => [x.slug, x.quantity])).toEqual([['acme', 400], ['bravo', 50]]);
      expect(usage.daily).toHaveLength(30);
      expect(usage.daily.at(-1)).toEqual({ day: today.toISOString().slice(0, 10), quantity: 300 });
      await refused(staff.finance.carrier, (a) => a.platformAdmin.usage({ days: 30, metric: 'sms_sent' }));
      await refused(staff.support.carrier, (a) => a.platformAdmin.usage({ days: 30, metric: 'bitcoin' as never }), ['BAD_REQUEST']);
      await refused(staff.support.carrier, (a) => a.platformAdmin.usage({ days: 10_000, metric: 'sms_sent' }), ['BAD_REQUEST']);
    });

    it('system health names each part healthy or degraded, with the reason', async () => {
      const support = await as(staff.support);
      const healthy = await support.platformAdmin.health();
      const keys = healthy.checks.map((c) => c.key);
      for (const key of ['database', 'migrations', 'queue:overage_reports', 'queue:webhook_deliveries', 'queue:billing_events', 'stripe', 'sms', 'webhooks', 'reservation_sweeper']) expect(keys).toContain(key);
      expect(healthy.checks.find((c) => c.key === 'database')!.details.kind).toBe(target.name === 'postgres' ? 'postgres' : 'pglite');
      expect(healthy.checks.find((c) => c.key === 'reservation_sweeper')!.state).toBe('healthy');
      for (const c of healthy.checks) expect(c.reason.length, c.key).toBeGreaterThan(3);
      // A reservation expired an hour ago and still held: the sweeper is not running.
      const p = t.app.services.db.prisma;
      const now = t.clock.now();
      await p.usageReservation.create({ data: { organizationId: acme.organizationId, id: randomUUID(), metric: 'sms_sent', quantity: 1, periodStart: now, expiresAt: new Date(now.getTime() - 3600_000) } });
      const degraded = await support.platformAdmin.health();
      expect(degraded.overall).toBe('degraded');
      expect(degraded.checks.find((c) => c.key === 'reservation_sweeper')).toMatchObject({ state: 'degraded', reason: expect.stringContaining('1 reservation') });
      await p.usageReservation.deleteMany({ where: { organizationId: acme.organizationId } });
      await refused(staff.finance.carrier, (a) => a.platformAdmin.health());
    });
  });

  it('every new procedure refuses tenant users of every role, and follows the permission table for staff', async () => {
    const org = acme.organizationId;
    const calls: Array<[PlatformPermission, (a: Caller) => Promise<unknown>]> = [
      ['platform:staff:manage', (a) => a.platformAdmin.staff()],
      ['platform:tenants:read', (a) => a.platformAdmin.tenantDetail({ organizationId: org })],
      ['platform:tenants:read', (a) => a.platformAdmin.tenantAuditTrail({ organizationId: org })],
      ['platform:users:read', (a) => a.platformAdmin.searchUsers({ query: 'acme' })],
      ['platform:revenue:read', (a) => a.platformAdmin.revenue({ months: 3 })],
      ['platform:usage:read', (a) => a.platformAdmin.usage({ days: 7, metric: 'sms_sent' })],
      ['platform:health:read', (a) => a.platformAdmin.health()],
    ];
    for (const [permission, fn] of calls) {
      for (const person of Object.values(acme.people)) await refused(person.carrier, fn);
      for (const role of PLATFORM_ROLES) {
        if (platformRoleCan(role, permission)) await expect(fn(await as(staff[role]))).resolves.toBeDefined();
        else await refused(staff[role].carrier, fn);
      }
    }
  });
});
