// The invitations tab at scale: search by email, filter by status, and bulk revoke / resend of
// selected rows — audited per invitation, refusing the whole request when any id is not this
// organization's, and reporting what was done and what was skipped (with why) one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVITATION_TTL_MS } from '../../server/invitations/invitation-rules';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';

describe.each(databaseTargets)('invitations tab: search, status filter, bulk revoke and resend on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const as = (carrier: MemoryCarrier) => t.app.createCaller(carrier);
  const prisma = () => t.app.services.db.prisma;
  const linkFor = async (carrier: MemoryCarrier, to: string) => (await (await as(carrier)).outbox.list()).find((e) => e.to === to)!.link!;
  const tokenOf = (link: string) => link.split('/invite/')[1]!;

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, 'acme');
    b = await seedTenant(t.app, 'globex');
  });
  afterAll(() => t?.close());

  async function invite(tenant: Tenant, emails: string[], role: 'member' | 'guest' | 'owner' = 'member') {
    const owner = await as(tenant.people.owner.carrier);
    await owner.invitations.createMany({ invitations: emails.map((email) => ({ email, role })) });
    const rows = await prisma().invitation.findMany({ where: { organizationId: tenant.organizationId, email: { in: emails } } });
    return Object.fromEntries(rows.map((r) => [r.email, r.id])) as Record<string, string>;
  }

  it('searches by email in any case and filters by status; each row says its status', async () => {
    const ids = await invite(a, ['search.alpha@acme.test', 'search.beta@acme.test', 'search.gamma@acme.test', 'search_delta@acme.test']);
    const owner = await as(a.people.owner.carrier);
    await owner.invitations.revoke({ invitationId: ids['search.beta@acme.test']! });
    // gamma accepts.
    const invitee = new MemoryCarrier();
    await (await as(invitee)).invitations.accept({ token: tokenOf(await linkFor(a.people.owner.carrier, 'search.gamma@acme.test')), name: 'Gamma', password: 'gamma-strong-pass-1' });

    const emails = async (input: Parameters<typeof owner.invitations.list>[0]) => (await owner.invitations.list(input)).map((i) => `${i.email}:${i.status}`).sort();
    expect(await emails({ search: 'SEARCH' })).toEqual(['search.alpha@acme.test:pending', 'search_delta@acme.test:pending']);
    expect(await emails({ search: 'search', status: 'all' })).toEqual(['search.alpha@acme.test:pending', 'search.beta@acme.test:revoked', 'search.gamma@acme.test:accepted', 'search_delta@acme.test:pending']);
    expect(await emails({ search: 'search', status: 'revoked' })).toEqual(['search.beta@acme.test:revoked']);
    expect(await emails({ search: 'search', status: 'accepted' })).toEqual(['search.gamma@acme.test:accepted']);
    // LIKE wildcards in the search are literal characters.
    expect(await emails({ search: 'search_', status: 'all' })).toEqual(['search_delta@acme.test:pending']);
    expect(await emails({ search: '%', status: 'all' })).toEqual([]);
    // Without input: the open ones (pending and expired), as before.
    expect((await owner.invitations.list()).some((i) => i.email === 'search.beta@acme.test')).toBe(false);

    t.clock.advance(INVITATION_TTL_MS + 1000);
    expect(await emails({ search: 'search', status: 'expired' })).toEqual(['search.alpha@acme.test:expired', 'search_delta@acme.test:expired']);
    expect(await emails({ search: 'search', status: 'pending' })).toEqual([]);
    // Another organization's invitations never show.
    await invite(b, ['search.other@globex.test']);
    expect(await emails({ search: 'search.other', status: 'all' })).toEqual([]);
  });

  it('refuses hostile search and filter input, per field', async () => {
    const owner = await as(a.people.owner.carrier);
    await refused(owner.invitations.list({ search: 'a\u0000b' }), 'BAD_REQUEST', /control characters/);
    await refused(owner.invitations.list({ search: 'x'.repeat(300) }), 'BAD_REQUEST', /at most 254/);
    await refused(owner.invitations.list({ status: 'deleted' as never }), 'BAD_REQUEST');
  });

  it('revokes the selected open invitations, audits each, and reports the accepted and revoked ones as skipped', async () => {
    const ids = await invite(a, ['bulk.r1@acme.test', 'bulk.r2@acme.test', 'bulk.r3@acme.test', 'bulk.r4@acme.test']);
    const owner = await as(a.people.owner.carrier);
    const links = { r1: await linkFor(a.people.owner.carrier, 'bulk.r1@acme.test'), r2: await linkFor(a.people.owner.carrier, 'bulk.r2@acme.test') };
    await owner.invitations.revoke({ invitationId: ids['bulk.r3@acme.test']! });
    await (await as(new MemoryCarrier())).invitations.accept({ token: tokenOf(await linkFor(a.people.owner.carrier, 'bulk.r4@acme.test')), name: 'Four', password: 'four-strong-pass-1' });
    const auditBefore = await prisma().auditEvent.count({ where: { organizationId: a.organizationId, action: 'invitation.revoke' } });

    const admin = await as(a.people.admin.carrier);
    const all = Object.values(ids);
    const outcome = await admin.invitations.revokeMany({ invitationIds: [...all, ids['bulk.r1@acme.test']!] });
    expect(outcome.done.map((d) => d.email).sort()).toEqual(['bulk.r1@acme.test', 'bulk.r2@acme.test']);
    expect(outcome.skipped.map((s) => [s.email, s.reason]).sort()).toEqual([
      ['bulk.r3@acme.test', 'Already revoked.'],
      ['bulk.r4@acme.test', 'Already accepted.'],
    ]);
    const audits = await prisma().auditEvent.findMany({ where: { organizationId: a.organizationId, action: 'invitation.revoke' }, orderBy: { createdAt: 'asc' } });
    expect(audits.length - auditBefore).toBe(2);
    expect(audits.slice(-2).every((e) => e.actorUserId === a.people.admin.userId)).toBe(true);
    // Their links no longer work.
    const anonymous = await as(new MemoryCarrier());
    await refused(anonymous.invitations.describe({ token: tokenOf(links.r1) }), 'PRECONDITION_FAILED', /withdrawn/);
    await refused(anonymous.invitations.describe({ token: tokenOf(links.r2) }), 'PRECONDITION_FAILED', /withdrawn/);
  });

  it('resends the selected ones with fresh links (old links stop working), skipping owner invitations for admins', async () => {
    const ids = await invite(a, ['bulk.s1@acme.test', 'bulk.s2@acme.test']);
    const ownerIds = await invite(a, ['bulk.owner@acme.test'], 'owner');
    const oldLink = await linkFor(a.people.owner.carrier, 'bulk.s1@acme.test');
    t.clock.advance(60_000);
    const admin = await as(a.people.admin.carrier);
    const outcome = await admin.invitations.resendMany({ invitationIds: [ids['bulk.s1@acme.test']!, ids['bulk.s2@acme.test']!, ownerIds['bulk.owner@acme.test']!] });
    expect(outcome.done.map((d) => d.email).sort()).toEqual(['bulk.s1@acme.test', 'bulk.s2@acme.test']);
    expect(outcome.skipped).toEqual([{ id: ownerIds['bulk.owner@acme.test'], email: 'bulk.owner@acme.test', reason: 'Only owners can invite owners.' }]);
    // The outbox kept the links (the test keychain seals them), so none is handed back.
    expect(outcome.links).toEqual([]);
    const rows = await prisma().invitation.findMany({ where: { organizationId: a.organizationId, id: { in: Object.values(ids) } } });
    expect(rows.every((r) => r.sendCount === 2 && r.expiresAt.getTime() === t.clock.now().getTime() + INVITATION_TTL_MS)).toBe(true);
    const anonymous = await as(new MemoryCarrier());
    await refused(anonymous.invitations.describe({ token: tokenOf(oldLink) }), 'NOT_FOUND');
    const newLink = await linkFor(a.people.owner.carrier, 'bulk.s1@acme.test');
    expect(newLink).not.toBe(oldLink);
    expect(await anonymous.invitations.describe({ token: tokenOf(newLink) })).toMatchObject({ role: 'member' });
    expect(await prisma().auditEvent.count({ where: { organizationId: a.organizationId, action: 'invitation.resend', targetId: { in: Object.values(ids) } } })).toBe(2);
    // An owner may resend the owner invitation.
    const owner = await as(a.people.owner.carrier);
    expect((await owner.invitations.resendMany({ invitationIds: [ownerIds['bulk.owner@acme.test']!] })).done).toHaveLength(1);
  });

  it("refuses the whole request when any selected id is another organization's or unknown, writing nothing", async () => {
    const mine = await invite(a, ['bulk.mine@acme.test']);
    const theirs = await invite(b, ['bulk.theirs@globex.test']);
    const admin = await as(a.people.admin.carrier);
    const before = await databaseFingerprint(t.app);
    for (const call of [admin.invitations.revokeMany, admin.invitations.resendMany]) {
      const error = await refused(call({ invitationIds: [mine['bulk.mine@acme.test']!, theirs['bulk.theirs@globex.test']!] }), 'NOT_FOUND', /does not exist in this organization: nothing was changed/);
      expect(error.message).not.toContain('globex');
      await refused(call({ invitationIds: ['0190a0c0-0000-7000-8000-00000000dead'] }), 'NOT_FOUND');
      await refused(call({ invitationIds: [] }), 'BAD_REQUEST', /at least one/);
      await refused(call({ invitationIds: ['not-an-id'] }), 'BAD_REQUEST', /invitation id/);
      await refused(call({ invitationIds: [`${mine['bulk.mine@acme.test']}\u0000`] }), 'BAD_REQUEST');
      await refused(call({ invitationIds: Array.from({ length: 1001 }, () => mine['bulk.mine@acme.test']!) }), 'BAD_REQUEST', /at most 1000/);
    }
    // Roles without invitations:manage.
    await refused((await as(a.people.manager.carrier)).invitations.revokeMany({ invitationIds: [mine['bulk.mine@acme.test']!] }), 'FORBIDDEN');
    await refused((await as(a.people.member.carrier)).invitations.resendMany({ invitationIds: [mine['bulk.mine@acme.test']!] }), 'FORBIDDEN');
    expect(await databaseFingerprint(t.app)).toEqual(before);
  });

  it('concurrent bulk revokes of the same selection revoke and audit each invitation once', async () => {
    const ids = Object.values(await invite(a, Array.from({ length: 12 }, (_, i) => `bulk.race${i}@acme.test`)));
    const [owner, admin] = await Promise.all([as(a.people.owner.carrier), as(a.people.admin.carrier)]);
    const outcomes = await Promise.all([owner.invitations.revokeMany({ invitationIds: ids }), admin.invitations.revokeMany({ invitationIds: [...ids].reverse() }), owner.invitations.revokeMany({ invitationIds: ids })]);
    expect(outcomes.reduce((n, o) => n + o.done.length, 0)).toBe(ids.length);
    expect(outcomes.reduce((n, o) => n + o.done.length + o.skipped.length, 0)).toBe(ids.length * 3);
    expect(await prisma().auditEvent.count({ where: { action: 'invitation.revoke', targetId: { in: ids } } })).toBe(ids.length);
  });
});
