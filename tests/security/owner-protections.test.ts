// Admins do not act on owners, and managers reach only the members and guests of their teams: every
// member- or team-changing action is tried against the protected roles, and a refusal writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { startTestApp, type MemoryCarrier, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';

describe.each(databaseTargets)('owner protections on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  const as = (carrier: MemoryCarrier) => t.app.createCaller(carrier);

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, 'acme');
    await t.app.services.db.prisma.contact.createMany({
      data: [1, 2].map((i) => ({ organizationId: a.organizationId, ownerUserId: a.people.owner.userId, name: `Owner’s contact ${i}` })),
    });
  });
  afterAll(() => t?.close());

  it('refuses every member-changing action by an admin on an owner, writing nothing', async () => {
    const admin = await as(a.people.admin.carrier);
    const owner = a.people.owner;
    const before = await databaseFingerprint(t.app);
    await refused(admin.members.setLimits({ membershipId: owner.membershipId, limits: [{ metric: 'sms_sent', limit: 0 }] }), 'FORBIDDEN', /Only owners can change an owner’s limits/);
    await refused(
      admin.members.transferResources({ fromMembershipId: owner.membershipId, toMembershipId: a.people.admin.membershipId }),
      'FORBIDDEN',
      /Only owners can hand an owner’s contacts/,
    );
    await refused(admin.members.changeRole({ membershipId: owner.membershipId, role: 'guest' }), 'FORBIDDEN', /Only owners/);
    await refused(admin.members.setStatus({ membershipId: owner.membershipId, status: 'deactivated' }), 'FORBIDDEN', /Only owners/);
    await refused(admin.members.remove({ membershipId: owner.membershipId, transferToMembershipId: a.people.admin.membershipId }), 'FORBIDDEN', /Only owners/);
    await refused(admin.teams.addMember({ teamId: a.otherTeamId, email: owner.email }), 'FORBIDDEN', /Only owners can change an owner’s teams/);
    expect(await databaseFingerprint(t.app)).toEqual(before);

    // The owner themselves may; and the admin still acts on everyone else.
    const ownerApi = await as(owner.carrier);
    await ownerApi.teams.addMember({ teamId: a.otherTeamId, email: owner.email });
    await refused(admin.teams.removeMember({ teamId: a.otherTeamId, userId: owner.userId }), 'FORBIDDEN', /Only owners/);
    expect(await ownerApi.members.setLimits({ membershipId: owner.membershipId, limits: [{ metric: 'sms_sent', limit: 100 }] })).toEqual([{ metric: 'sms_sent', limit: 100 }]);
    expect(await admin.members.setLimits({ membershipId: a.people.member.membershipId, limits: [{ metric: 'sms_sent', limit: 0 }] })).toEqual([{ metric: 'sms_sent', limit: 0 }]);
    expect(await admin.members.transferResources({ fromMembershipId: a.people.member.membershipId, toMembershipId: owner.membershipId })).toEqual({ contacts: 0, campaigns: 0 });
    await ownerApi.teams.removeMember({ teamId: a.otherTeamId, userId: owner.userId });
  });

  it('lets a manager add to their teams only members and guests, and never read an owner’s or admin’s details', async () => {
    const manager = await as(a.people.manager.carrier);
    const { id: teamId } = await manager.teams.create({ name: 'Side project' });
    const before = await databaseFingerprint(t.app);
    await refused(manager.teams.addMember({ teamId, email: a.people.owner.email }), 'FORBIDDEN', /only members and guests.*is an owner/);
    await refused(manager.teams.addMember({ teamId, email: a.people.admin.email }), 'FORBIDDEN', /only members and guests.*is an admin/);
    await refused(manager.teams.addMember({ teamId: a.managedTeamId, email: a.people.admin.email }), 'FORBIDDEN', /only members and guests/);
    expect(await databaseFingerprint(t.app)).toEqual(before);
    await refused(manager.members.get({ membershipId: a.people.owner.membershipId }), 'NOT_FOUND');
    await refused(manager.members.get({ membershipId: a.people.admin.membershipId }), 'NOT_FOUND');

    await manager.teams.addMember({ teamId, email: a.people.outsideMember.email });
    await manager.teams.addMember({ teamId, email: a.people.guest.email });
    expect((await manager.members.get({ membershipId: a.people.guest.membershipId })).email).toBe(a.people.guest.email);
  });

  it('keeps an owner or admin whom an admin put in a manager’s team out of that manager’s reach', async () => {
    const ownerApi = await as(a.people.owner.carrier);
    await ownerApi.teams.addMember({ teamId: a.managedTeamId, email: a.people.owner.email });
    await ownerApi.teams.addMember({ teamId: a.managedTeamId, email: a.people.admin.email });
    const manager = await as(a.people.manager.carrier);
    const visible = (await manager.members.list({})).items.map((m) => m.email);
    expect(visible).toEqual(expect.arrayContaining([a.people.member.email, a.people.teammate.email, a.people.manager.email]));
    expect(visible).not.toContain(a.people.owner.email);
    expect(visible).not.toContain(a.people.admin.email);
    await refused(manager.members.get({ membershipId: a.people.owner.membershipId }), 'NOT_FOUND');

    const before = await databaseFingerprint(t.app);
    await refused(manager.teams.removeMember({ teamId: a.managedTeamId, userId: a.people.owner.userId }), 'FORBIDDEN', /only members and guests/);
    await refused(manager.teams.removeMember({ teamId: a.managedTeamId, userId: a.people.admin.userId }), 'FORBIDDEN', /only members and guests/);
    expect(await databaseFingerprint(t.app)).toEqual(before);
  });
});
