// Manager scope (issue 15): a manager adds to their teams only members and guests, and only people
// not already in a team another manager runs, unless an admin does it; the manager's dashboard
// shows their teams' counts, not the organization's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { startTestApp, type MemoryCarrier, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedPerson, seedTenant, type Person, type Tenant } from '../helpers/tenants';

describe.each(databaseTargets)('manager scope on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let secondManager: Person;
  let unmanagedTeamId: string;
  const as = (carrier: MemoryCarrier) => t.app.createCaller(carrier);
  const teamsOf = async (userId: string) =>
    (await t.app.services.db.prisma.teamMembership.findMany({ where: { organizationId: a.organizationId, userId }, select: { team: { select: { name: true } } } })).map((m) => m.team.name).sort();

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, 'acme');
    await seedTenant(t.app, 'globex');
    // Support (where outsideMember is) gets a manager of its own.
    secondManager = await seedPerson(t.app, a, 'support-lead', { role: 'manager', team: { id: a.otherTeamId, role: 'manager' } });
    unmanagedTeamId = (await t.app.services.db.prisma.team.create({ data: { organizationId: a.organizationId, name: 'Floaters' } })).id;
  });
  afterAll(() => t?.close());

  it("refuses a manager adding someone from another manager's team, writing nothing; an admin may", async () => {
    const manager = await as(a.people.manager.carrier);
    const before = await databaseFingerprint(t.app);
    const error = await refused(manager.teams.addMember({ teamId: a.managedTeamId, email: a.people.outsideMember.email }), 'FORBIDDEN', /already in another manager’s team\. Ask an admin/);
    // It does not say which team or manager: a manager sees only their own teams.
    expect(error.message).not.toMatch(/Support|support-lead/);
    expect(await databaseFingerprint(t.app)).toEqual(before);

    await (await as(a.people.admin.carrier)).teams.addMember({ teamId: a.managedTeamId, email: a.people.outsideMember.email });
    expect(await teamsOf(a.people.outsideMember.userId)).toEqual(['Sales', 'Support']);
  });

  it('lets a manager add people in no team, in a team without a manager, or in a team they also manage', async () => {
    const manager = await as(a.people.manager.carrier);
    await manager.teams.addMember({ teamId: a.managedTeamId, email: a.people.guest.email });
    const floater = await seedPerson(t.app, a, 'floater', { role: 'member', team: { id: unmanagedTeamId, role: 'member' } });
    await manager.teams.addMember({ teamId: a.managedTeamId, email: floater.email });
    expect(await teamsOf(floater.userId)).toEqual(['Floaters', 'Sales']);

    // Co-managing a team makes it theirs too.
    const shared = (await t.app.services.db.prisma.team.create({ data: { organizationId: a.organizationId, name: 'Shared' } })).id;
    await t.app.services.db.prisma.teamMembership.createMany({
      data: [
        { organizationId: a.organizationId, teamId: shared, userId: secondManager.userId, role: 'manager' },
        { organizationId: a.organizationId, teamId: shared, userId: a.people.manager.userId, role: 'manager' },
      ],
    });
    const sharedPerson = await seedPerson(t.app, a, 'shared-person', { role: 'member', team: { id: shared, role: 'member' } });
    await manager.teams.addMember({ teamId: a.managedTeamId, email: sharedPerson.email });

    // An archived team of another manager holds nobody back.
    const archived = (await t.app.services.db.prisma.team.create({ data: { organizationId: a.organizationId, name: 'Old', archivedAt: new Date() } })).id;
    await t.app.services.db.prisma.teamMembership.create({ data: { organizationId: a.organizationId, teamId: archived, userId: secondManager.userId, role: 'manager' } });
    const retired = await seedPerson(t.app, a, 'retired', { role: 'member', team: { id: archived, role: 'member' } });
    await manager.teams.addMember({ teamId: a.managedTeamId, email: retired.email });
  });

  it('still adds only members and guests for a manager', async () => {
    const manager = await as(a.people.manager.carrier);
    await refused(manager.teams.addMember({ teamId: a.managedTeamId, email: a.people.admin.email }), 'FORBIDDEN', /only members and guests/);
  });

  it('two managers adding the same person at once: exactly one gets them', async () => {
    const contested = await seedPerson(t.app, a, 'contested', { role: 'member' });
    const [one, two] = await Promise.all([as(a.people.manager.carrier), as(secondManager.carrier)]);
    const results = await Promise.allSettled([one.teams.addMember({ teamId: a.managedTeamId, email: contested.email }), two.teams.addMember({ teamId: a.otherTeamId, email: contested.email })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code).toBe('FORBIDDEN');
    expect(await teamsOf(contested.userId)).toHaveLength(1);
  });

  it("shows a manager their teams' counts on the dashboard, and admins the organization's", async () => {
    const fresh = await startTestApp(target);
    try {
      const b = await seedTenant(fresh.app, 'initech');
      await seedPerson(fresh.app, b, 'support-lead', { role: 'manager', team: { id: b.otherTeamId, role: 'manager' } });
      const managerView = await (await fresh.app.createCaller(b.people.manager.carrier)).organization.overview();
      // Sales: the manager, member and teammate (members and guests of their teams, and themselves).
      expect(managerView).toMatchObject({ scope: 'teams', teamCount: 1, memberCount: 3, membersByRole: { manager: 1, member: 2 } });
      const adminView = await (await fresh.app.createCaller(b.people.admin.carrier)).organization.overview();
      expect(adminView).toMatchObject({ scope: 'organization', teamCount: 2, memberCount: 8, membersByRole: { owner: 1, admin: 1, manager: 2, member: 3, guest: 1 } });
      // A deactivated member of their team leaves the manager's count too.
      await fresh.app.services.db.prisma.membership.update({ where: { organizationId_id: { organizationId: b.organizationId, id: b.people.teammate.membershipId } }, data: { status: 'deactivated' } });
      expect((await (await fresh.app.createCaller(b.people.manager.carrier)).organization.overview()).memberCount).toBe(2);
    } finally {
      await fresh.close();
    }
  });
});
