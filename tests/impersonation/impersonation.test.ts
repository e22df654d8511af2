// Audited impersonation: platform support acts as a tenant's user, time-limited, read-only until
// escalated, never with more than the user's rights, never on platform tools or secrets, and every
// event names both people.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../server/audit/verify-audit-chain';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedPerson, seedTenant, type Person, type Tenant } from '../helpers/tenants';

describe.each(databaseTargets)('impersonation on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let support: Person;
  let finance: Person;
  const staffTenant = { organizationId: '', slug: 'meterdesk-staff' };

  const as = async (person: { carrier: MemoryCarrier }) => (await t.client(person.carrier)).api;
  const start = async (staff: Person, userId: string, extra: Record<string, unknown> = {}) =>
    (await as(staff)).impersonation.start({ organizationId: a.organizationId, userId, reason: 'Customer reports a broken team budget', ticketReference: 'SUP-1042', ...extra });

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, 'alpha');
    b = await seedTenant(t.app, 'bravo');
    const p = t.app.services.db.prisma;
    staffTenant.organizationId = (await p.organization.create({ data: { slug: staffTenant.slug, name: 'Meterdesk staff' } })).id;
    support = await seedPerson(t.app, staffTenant, 'support-agent');
    finance = await seedPerson(t.app, staffTenant, 'finance-agent');
    await p.user.update({ where: { id: support.userId }, data: { platformRole: 'support' } });
    await p.user.update({ where: { id: finance.userId }, data: { platformRole: 'finance' } });
  });
  afterAll(() => t?.close());

  it('acts as the user inside the tenant, read-only, and keeps platform tools and secrets out of reach', async () => {
    const started = await start(support, a.people.admin.userId);
    expect(started.expiresAt.getTime() - t.clock.now().getTime()).toBe(30 * 60_000);
    const api = await as(support);
    const me = (await api.auth.me())!;
    expect(me.user.id).toBe(a.people.admin.userId);
    expect(me.platformPermissions).toEqual([]);
    expect(me.organizations.map((o) => o.id)).toEqual([a.organizationId]);
    expect(me.impersonation).toMatchObject({ mode: 'read_only', impersonator: { id: support.userId }, impersonated: { id: a.people.admin.userId }, ticketReference: 'SUP-1042' });

    // The console's own start-up queries still answer.
    expect(await api.setup.status()).toMatchObject({ needsSetup: false });
    // Reading works with the admin's rights.
    expect((await api.members.list({})).total).toBeGreaterThan(3);
    // Every write is refused while read-only, and writes nothing.
    const before = await databaseFingerprint(t.app);
    await refused(api.teams.create({ name: 'Support was here' }), 'FORBIDDEN', /read-only/);
    await refused(api.organization.updateSettings({ name: 'Renamed' }), 'FORBIDDEN', /read-only/);
    // Platform tools, the user's own account and secrets: refused.
    await refused(api.platform.listTenants({}), 'FORBIDDEN');
    await refused(api.impersonation.candidates({ organizationId: b.organizationId }), 'FORBIDDEN');
    await refused(api.account.sessions(), 'FORBIDDEN');
    await refused(api.outbox.list(), 'FORBIDDEN');
    await refused(api.organization.switch({ organizationId: staffTenant.organizationId }), 'FORBIDDEN');
    expect(await databaseFingerprint(t.app)).toEqual(before);
    // No nested impersonation.
    await refused(start(support, a.people.member.userId), 'FORBIDDEN');

    // Escalated with a second reason: changes go through, as the admin, recorded with both actors.
    await refused(api.impersonation.escalate({ reason: 'short' }), 'BAD_REQUEST');
    await api.impersonation.escalate({ reason: 'Customer asked us to create the team for them' });
    expect((await (await as(support)).auth.me())!.impersonation!.mode).toBe('escalated');
    const team = await (await as(support)).teams.create({ name: 'Created by support' });
    const p = t.app.services.db.prisma;
    const event = await p.auditEvent.findFirstOrThrow({ where: { organizationId: a.organizationId, action: 'team.create', targetId: team.id } });
    expect(event).toMatchObject({ actorUserId: a.people.admin.userId, impersonatorUserId: support.userId, impersonationId: started.impersonationId });
    // Secrets stay hidden even escalated.
    await refused((await as(support)).apiKeys.create({ name: 'Leak', scopes: ['usage:write'] }), 'FORBIDDEN');
    await refused((await as(support)).webhooks.create({ url: 'https://example.com/hook', events: ['member.invited'] }), 'FORBIDDEN');
    await refused((await as(support)).account.changePassword({ currentPassword: 'x', newPassword: 'copper-meadow-signal-42' }), 'FORBIDDEN');

    // Ending returns the session to the staff member.
    expect(await (await as(support)).impersonation.end()).toEqual({ ended: true });
    const back = (await (await as(support)).auth.me())!;
    expect(back.user.id).toBe(support.userId);
    expect(back.impersonation).toBeNull();
    expect(back.platformPermissions).toContain('platform:impersonate');

    // The tenant's owner sees the session and both actors in the audit log.
    const owner = await as(a.people.owner);
    const sessions = await owner.audit.impersonations();
    expect(sessions[0]).toMatchObject({ impersonator: { id: support.userId }, impersonated: { id: a.people.admin.userId }, reason: 'Customer reports a broken team budget', ticketReference: 'SUP-1042', endedReason: 'ended', active: false });
    expect(sessions[0]!.escalationReason).toBe('Customer asked us to create the team for them');
    const trail = await owner.audit.list({ actorUserId: support.userId });
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['impersonation.start', 'impersonation.escalate', 'impersonation.end', 'team.create']));
    const created = trail.find((e) => e.action === 'team.create')!;
    expect(created.actor?.id).toBe(a.people.admin.userId);
    expect(created.impersonator?.id).toBe(support.userId);
    expect((await owner.audit.list({ impersonatedOnly: true })).every((e) => e.impersonatorUserId === support.userId)).toBe(true);
    expect((await verifyAuditChain(t.app.services.db, a.organizationId)).ok).toBe(true);
  });

  it('never grants more than the impersonated user has', async () => {
    await start(support, a.people.guest.userId);
    const api = await as(support);
    await api.impersonation.escalate({ reason: 'Need to reproduce what the guest sees when editing' });
    await refused((await as(support)).teams.create({ name: 'Guest cannot' }), 'FORBIDDEN', /guest/);
    await refused((await as(support)).audit.list({}), 'FORBIDDEN');
    await refused((await as(support)).members.changeRole({ membershipId: a.people.member.membershipId, role: 'admin' }), 'FORBIDDEN');
    await (await as(support)).impersonation.end();
  });

  it('expires on the server after its time, and the trail says so', async () => {
    const started = await start(support, a.people.member.userId, { durationMinutes: 10 });
    t.clock.advance(9 * 60_000);
    expect((await (await as(support)).auth.me())!.user.id).toBe(a.people.member.userId);
    t.clock.advance(60_000);
    const me = (await (await as(support)).auth.me())!;
    expect(me.user.id).toBe(support.userId);
    expect(me.impersonation).toBeNull();
    const p = t.app.services.db.prisma;
    expect(await p.impersonationSession.findFirstOrThrow({ where: { id: started.impersonationId } })).toMatchObject({ endedReason: 'expired', endedAt: started.expiresAt });
    expect(await p.auditEvent.count({ where: { organizationId: a.organizationId, action: 'impersonation.end', impersonationId: started.impersonationId } })).toBe(1);
    // The staff member is themself again: no rights in the tenant.
    await refused((await as(support)).impersonation.end(), 'PRECONDITION_FAILED');
    // The 30-minute default, too.
    await start(support, a.people.member.userId);
    t.clock.advance(30 * 60_000);
    expect((await (await as(support)).auth.me())!.impersonation).toBeNull();
  });

  it('ends when the staff member loses the permission or signs out', async () => {
    const p = t.app.services.db.prisma;
    await start(support, a.people.member.userId);
    await p.user.update({ where: { id: support.userId }, data: { platformRole: 'finance' } });
    expect((await (await as(support)).auth.me())!.impersonation).toBeNull();
    await p.user.update({ where: { id: support.userId }, data: { platformRole: 'support' } });
    const started = await start(support, a.people.member.userId);
    const carrier = new MemoryCarrier();
    carrier.token = support.carrier.token;
    await (await t.client(carrier)).api.auth.signOut();
    expect(await p.impersonationSession.findFirstOrThrow({ where: { id: started.impersonationId } })).toMatchObject({ endedReason: 'signed_out' });
    // A fresh session for the rest of the file.
    const fresh = await seedPerson(t.app, staffTenant, 'support-two');
    await p.user.update({ where: { id: fresh.userId }, data: { platformRole: 'support' } });
    support = fresh;
  });

  it('refuses who may not start it, whom it may not target, and hostile input, writing nothing', async () => {
    const before = await databaseFingerprint(t.app);
    await refused(start(finance, a.people.member.userId), 'FORBIDDEN');
    await refused(start(a.people.owner, a.people.member.userId), 'FORBIDDEN');
    // A user of another tenant, a platform staff member, oneself.
    await refused(start(support, b.people.member.userId), 'NOT_FOUND');
    await refused((await as(support)).impersonation.start({ organizationId: staffTenant.organizationId, userId: finance.userId, reason: 'Checking the finance screens', ticketReference: 'X-1' }), 'FORBIDDEN');
    await refused((await as(support)).impersonation.start({ organizationId: staffTenant.organizationId, userId: support.userId, reason: 'Checking the finance screens', ticketReference: 'X-1' }), 'BAD_REQUEST');
    // Hostile input.
    await refused(start(support, a.people.member.userId, { reason: 'no' }), 'BAD_REQUEST');
    await refused(start(support, a.people.member.userId, { reason: 'Control\u0000characters in the reason' }), 'BAD_REQUEST');
    await refused(start(support, a.people.member.userId, { ticketReference: 'SUP\u001b[31m' }), 'BAD_REQUEST');
    await refused(start(support, a.people.member.userId, { reason: 'x'.repeat(100_000) }), 'BAD_REQUEST');
    await refused(start(support, a.people.member.userId, { durationMinutes: 100_000 }), 'BAD_REQUEST');
    await refused(start(support, a.people.member.userId, { ticketReference: { nested: { deeper: ['SUP-1'] } } }), 'BAD_REQUEST');
    await refused((await as(support)).impersonation.start({ organizationId: 'not-a-uuid', userId: a.people.member.userId, reason: 'Customer reports a bug', ticketReference: 'S-1' }), 'BAD_REQUEST');
    await refused((await as(support)).impersonation.escalate({ reason: 'Not impersonating anyone now' }), 'PRECONDITION_FAILED');
    expect(await databaseFingerprint(t.app)).toEqual(before);
  });

  it('lists the tenant’s users support may act as, staff excluded', async () => {
    const candidates = await (await as(support)).impersonation.candidates({ organizationId: a.organizationId });
    expect(candidates.map((c) => c.userId)).toContain(a.people.owner.userId);
    expect(candidates.map((c) => c.userId)).not.toContain(b.people.owner.userId);
    const staff = await (await as(support)).impersonation.candidates({ organizationId: staffTenant.organizationId });
    expect(staff.map((c) => c.userId)).not.toContain(finance.userId);
  });
});
