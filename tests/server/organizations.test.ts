import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { observePasswordVerifications } from '../../server/auth/passwords';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, FIXTURE_PASSWORD, seedPerson, seedTenant, type Tenant } from '../helpers/tenants';

describe.each(databaseTargets)('organizations, members, teams and invitations on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const as = (carrier: MemoryCarrier) => t.app.createCaller(carrier);
  const latestLink = async (carrier: MemoryCarrier, to: string) => (await (await as(carrier)).outbox.list()).find((e) => e.to === to)!.link!;
  const tokenOf = (link: string) => link.split('/invite/')[1]!;

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, 'acme');
    b = await seedTenant(t.app, 'globex');
  });
  afterAll(() => t?.close());

  describe('invitations', () => {
    it('invites by email into a team; the invitee accepts from the outbox link, sets a password and is signed in', async () => {
      const owner = await as(a.people.owner.carrier);
      await owner.invitations.create({ email: 'New.Manager@Acme.test', role: 'manager', teamId: a.otherTeamId });
      const pending = await owner.invitations.list();
      expect(pending[0]).toMatchObject({ email: 'new.manager@acme.test', role: 'manager', team: 'Support', expired: false });

      const email = (await owner.outbox.list())[0]!;
      expect(email).toMatchObject({ to: 'new.manager@acme.test', transport: 'outbox', status: 'sent' });
      expect(email.subject).toMatch(/invited you to acme Inc/);
      expect(email.text).toContain(email.link!);
      const token = tokenOf(email.link!);
      // Only a hash of the token is stored.
      expect(JSON.stringify(await t.app.services.db.prisma.invitation.findMany())).not.toContain(token);

      const anonymous = await as(new MemoryCarrier());
      expect(await anonymous.invitations.describe({ token })).toMatchObject({ organizationName: 'acme Inc', role: 'manager', teamName: 'Support', signedInAsInvitee: false });
      await refused(anonymous.invitations.accept({ token, name: 'Nia', password: 'weak' }), 'BAD_REQUEST', /at least 10 characters/);

      const invitee = new MemoryCarrier();
      await (await as(invitee)).invitations.accept({ token, name: 'Nia Manager', password: 'nia-strong-pass-1' });
      const me = await (await as(invitee)).auth.me();
      expect(me?.activeOrganization).toMatchObject({ id: a.organizationId, role: 'manager' });
      const list = await (await as(invitee)).members.list({});
      expect(list.items.map((m) => m.email).sort()).toEqual([a.people.outsideMember.email, 'new.manager@acme.test'].sort());

      // Single use.
      const before = await databaseFingerprint(t.app);
      await refused(anonymous.invitations.accept({ token, name: 'Again', password: 'nia-strong-pass-1' }), 'PRECONDITION_FAILED', /already used/);
      expect(await databaseFingerprint(t.app)).toEqual(before);
      expect(await owner.invitations.list()).toHaveLength(0);
    });

    it('refuses an existing member, a pending invitee, an invalid email and owner invitations by admins, writing nothing', async () => {
      const admin = await as(a.people.admin.carrier);
      await admin.invitations.create({ email: 'pending@acme.test', role: 'member' });
      const before = await databaseFingerprint(t.app);
      await refused(admin.invitations.create({ email: a.people.member.email, role: 'member' }), 'CONFLICT', /already a member/);
      await refused(admin.invitations.create({ email: 'PENDING@acme.test', role: 'guest' }), 'CONFLICT', /pending invitation: resend/);
      await refused(admin.invitations.create({ email: 'not-an-email', role: 'member' }), 'BAD_REQUEST', /valid email/);
      await refused(admin.invitations.create({ email: 'boss@acme.test', role: 'owner' }), 'FORBIDDEN', /Only owners/);
      await refused(admin.invitations.create({ email: 'x@acme.test', role: 'member', teamId: b.managedTeamId }), 'NOT_FOUND', /team does not exist/);
      expect(await databaseFingerprint(t.app)).toEqual(before);
    });

    it('resends with a fresh link (the old one stops working), revokes, and explains expired links', async () => {
      const owner = await as(a.people.owner.carrier);
      const { id } = await owner.invitations.create({ email: 'later@acme.test', role: 'member' });
      const first = tokenOf(await latestLink(a.people.owner.carrier, 'later@acme.test'));
      await owner.invitations.resend({ invitationId: id });
      const second = tokenOf(await latestLink(a.people.owner.carrier, 'later@acme.test'));
      expect(second).not.toBe(first);
      const anonymous = await as(new MemoryCarrier());
      await refused(anonymous.invitations.describe({ token: first }), 'NOT_FOUND', /not valid/);
      expect((await owner.invitations.list()).find((i) => i.id === id)?.sendCount).toBe(2);

      t.clock.advance(8 * 24 * 3600_000);
      await refused(anonymous.invitations.accept({ token: second, name: 'Late', password: 'late-but-strong-1' }), 'PRECONDITION_FAILED', /expired/);
      expect((await owner.invitations.list()).find((i) => i.id === id)?.expired).toBe(true);
      await owner.invitations.resend({ invitationId: id });
      await owner.invitations.revoke({ invitationId: id });
      const third = tokenOf(await latestLink(a.people.owner.carrier, 'later@acme.test'));
      await refused(anonymous.invitations.accept({ token: third, name: 'Late', password: 'late-but-strong-1' }), 'PRECONDITION_FAILED', /withdrawn/);
    });

    it('attaches an existing account only when signed in as it, switching the session to the organization', async () => {
      const owner = await as(a.people.owner.carrier);
      await owner.invitations.create({ email: b.people.guest.email, role: 'member' });
      const token = tokenOf(await latestLink(a.people.owner.carrier, b.people.guest.email));
      const guest = b.people.guest.carrier;
      const tokenBefore = guest.token;
      expect(await (await as(guest)).invitations.describe({ token })).toMatchObject({ email: b.people.guest.email, signedInAsInvitee: true });
      expect((await (await as(guest)).auth.me())!.activeOrganization!.slug).toBe('globex');

      // No password: the session proves who they are.
      await (await as(guest)).invitations.accept({ token });
      expect(guest.token).toBe(tokenBefore);
      const me = (await (await as(guest)).auth.me())!;
      expect(me.activeOrganization).toMatchObject({ id: a.organizationId, role: 'member' });
      expect(me.organizations.map((o) => o.slug).sort()).toEqual(['acme', 'globex']);
      expect(await t.app.services.db.prisma.auditEvent.count({ where: { organizationId: a.organizationId, action: 'invitation.accept', actorUserId: b.people.guest.userId } })).toBe(1);
    });

    it('refuses someone signed in with another email, without a word about the invited email’s account', async () => {
      const owner = await as(a.people.owner.carrier);
      const messages: string[] = [];
      for (const email of [b.people.admin.email, 'nobody-yet@elsewhere.test']) {
        await owner.invitations.create({ email, role: 'member' });
        const token = tokenOf(await latestLink(a.people.owner.carrier, email));
        const other = await as(b.people.member.carrier);
        expect(await other.invitations.describe({ token })).toMatchObject({ signedInAsInvitee: false });
        const before = await databaseFingerprint(t.app);
        const error = await other.invitations.accept({ token, name: 'Someone', password: FIXTURE_PASSWORD }).catch((e: unknown) => e as TRPCError);
        expect(error).toBeInstanceOf(TRPCError);
        expect((error as TRPCError).code).toBe('FORBIDDEN');
        expect((error as TRPCError).message).toMatch(/^This invitation is for another email address; sign out/);
        messages.push((error as TRPCError).message.replace(email, '<email>'));
        expect(await databaseFingerprint(t.app)).toEqual(before);
      }
      expect(messages[0]).toBe(messages[1]);
    });

    it('tells a link holder nothing about whether the invited email has an account, and never creates a second one', async () => {
      // A stranger signs up, invites someone else's email to their own organization and reads the link.
      const stranger = new MemoryCarrier();
      await (await as(stranger)).auth.signUp({ name: 'Mallory', email: 'mallory@evil.test', password: 'mallory-pass-123', organizationName: 'Evil Corp' });
      const links: Record<string, string> = {};
      for (const email of [a.people.admin.email, 'newcomer@acme.test']) {
        await (await as(stranger)).invitations.create({ email, role: 'member' });
        links[email] = tokenOf(await latestLink(stranger, email));
      }
      const anonymous = await as(new MemoryCarrier());
      const described = await Promise.all(Object.values(links).map((token) => anonymous.invitations.describe({ token })));
      const withoutEmail = ({ email: _email, expiresAt: _expires, ...rest }: (typeof described)[number]) => rest;
      expect(withoutEmail(described[0]!)).toEqual(withoutEmail(described[1]!));
      expect(JSON.stringify(described)).not.toMatch(/account/i);

      // "Create account" for the email that has one: refused, generically, and nothing written.
      const before = await databaseFingerprint(t.app);
      const token = links[a.people.admin.email]!;
      const error = await anonymous.invitations.accept({ token, name: 'Mallory', password: 'mallory-pass-123' }).catch((e: unknown) => e as TRPCError);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe('CONFLICT');
      expect((error as TRPCError).message).toMatch(/If you already have a Meterdesk account with this email, sign in with it first/);
      expect((error as TRPCError).message).not.toContain(a.people.admin.email);
      expect((error as TRPCError).message).not.toMatch(/already (has|exists)/);
      expect(await databaseFingerprint(t.app)).toEqual(before);
      // Input problems answer the same for both emails: they are checked before any account is looked up.
      for (const link of Object.values(links)) await refused(anonymous.invitations.accept({ token: link, name: 'M', password: 'weak' }), 'BAD_REQUEST', /at least 10 characters/);
    });

    it('takes no password for an existing account, so a locked account cannot be guessed or entered through a link', async () => {
      const victim = b.people.owner.email;
      const signIn = (password: string) => as(new MemoryCarrier()).then((api) => api.auth.signIn({ email: victim, password }));
      for (let i = 0; i < t.app.services.authPolicy.lockAfterFailures; i++) {
        t.clock.advance(10 * 60_000); // past every slow-down, inside the failure window
        await signIn(`wrong-guess-${i}`).catch(() => {});
      }
      await refused(signIn(FIXTURE_PASSWORD), 'TOO_MANY_REQUESTS', /locked/);

      const stranger = new MemoryCarrier();
      await (await as(stranger)).auth.signUp({ name: 'Trudy', email: 'trudy@evil.test', password: 'trudy-pass-123', organizationName: 'Trudy Co' });
      await (await as(stranger)).invitations.create({ email: victim, role: 'member' });
      const token = tokenOf(await latestLink(stranger, victim));
      let verifications = 0;
      const stop = observePasswordVerifications(() => verifications++);
      try {
        for (const password of ['guess-number-one', FIXTURE_PASSWORD]) {
          const carrier = new MemoryCarrier();
          const api = await as(carrier);
          await refused(api.invitations.accept({ token, password }), 'BAD_REQUEST', /Enter your name/);
          await refused(api.invitations.accept({ token, name: 'Anyone', password }), 'CONFLICT', /sign in with it first/);
          expect(carrier.token).toBeUndefined();
        }
      } finally {
        stop();
      }
      expect(verifications).toBe(0);
      await refused(signIn(FIXTURE_PASSWORD), 'TOO_MANY_REQUESTS', /locked/);
    });

    it('previews a CSV with per-row errors and invites the valid rows all at once', async () => {
      const admin = await as(a.people.admin.carrier);
      const csv = ['Email,Role,Team', 'one@acme.test,member,Sales', 'two@acme.test,guest,', 'bad-email,member,', `${a.people.member.email},member,`, 'three@acme.test,wizard,', 'four@acme.test,member,Nope', 'one@acme.test,member,'].join('\n');
      const preview = await admin.invitations.previewCsv({ csv });
      expect(preview.fileError).toBeNull();
      const byLine = Object.fromEntries(preview.rows.map((r) => [r.line, r.errors]));
      expect(byLine[2]).toEqual([]);
      expect(byLine[3]).toEqual([]);
      expect(byLine[4]![0]).toMatch(/not a valid email/);
      expect(byLine[5]![0]).toMatch(/already a member/);
      expect(byLine[6]![0]).toMatch(/Role “wizard” is not one of/);
      expect(byLine[7]![0]).toMatch(/no team named “Nope”/);
      expect(byLine[8]![0]).toMatch(/earlier in the file/);
      expect((await admin.invitations.previewCsv({ csv: 'name\nx' })).fileError).toMatch(/email/);

      const before = await databaseFingerprint(t.app);
      await refused(admin.invitations.createMany({ invitations: [{ email: 'one@acme.test', role: 'member' }, { email: a.people.member.email, role: 'member' }] }), 'BAD_REQUEST', /Nothing was sent/);
      expect(await databaseFingerprint(t.app)).toEqual(before);

      const valid = preview.rows.filter((r) => r.errors.length === 0).map((r) => ({ email: r.email, role: r.role, teamId: r.teamId }));
      expect(await admin.invitations.createMany({ invitations: valid })).toEqual({ invited: 2, delivery: 'outbox' });
      const emails = (await admin.outbox.list()).map((e) => e.to);
      expect(emails).toEqual(expect.arrayContaining(['one@acme.test', 'two@acme.test']));
    });

    it('answers a CSV over 512 KB as a file problem in words, without a "csv:" field prefix, writing nothing', async () => {
      const admin = await as(a.people.admin.carrier);
      const before = await databaseFingerprint(t.app);
      const rows = Array.from({ length: 16_000 }, (_, i) => `person.number.${i}@acme.test,member,`);
      const csv = ['email,role,team', ...rows].join('\n');
      expect(Buffer.byteLength(csv)).toBeGreaterThan(512 * 1024);
      const preview = await admin.invitations.previewCsv({ csv });
      expect(preview.rows).toEqual([]);
      expect(preview.fileError).toMatch(/^The file is \d+ KB; at most 512 KB \(and 1,000 people\) can be imported at once/);
      expect(preview.fileError).not.toMatch(/csv:/);
      expect(await databaseFingerprint(t.app)).toEqual(before);
    });
  });

  describe('members', () => {
    it('lets only owners make owners, and always keeps one owner', async () => {
      const admin = await as(a.people.admin.carrier);
      const owner = await as(a.people.owner.carrier);
      const before = await databaseFingerprint(t.app);
      await refused(admin.members.changeRole({ membershipId: a.people.member.membershipId, role: 'owner' }), 'FORBIDDEN', /Only owners/);
      await refused(admin.members.changeRole({ membershipId: a.people.owner.membershipId, role: 'member' }), 'FORBIDDEN');
      await refused(owner.members.changeRole({ membershipId: a.people.owner.membershipId, role: 'admin' }), 'PRECONDITION_FAILED', /at least one active owner/);
      await refused(owner.members.setStatus({ membershipId: a.people.owner.membershipId, status: 'deactivated' }), 'PRECONDITION_FAILED', /at least one active owner/);
      expect(await databaseFingerprint(t.app)).toEqual(before);

      await admin.members.changeRole({ membershipId: a.people.teammate.membershipId, role: 'guest' });
      await admin.members.changeRole({ membershipId: a.people.teammate.membershipId, role: 'member' });
      const audit = await owner.audit.list({ action: 'member.role_change' });
      expect(audit[0]).toMatchObject({ before: { role: 'guest' }, after: { role: 'member' }, actor: { email: a.people.admin.email } });
    });

    it('deactivates (cannot sign in, sessions end, reversible) and reactivates', async () => {
      const admin = await as(a.people.admin.carrier);
      const person = await seedPerson(t.app, a, 'leaver');
      await admin.members.setStatus({ membershipId: person.membershipId, status: 'deactivated' });
      expect(await (await as(person.carrier)).auth.me()).toBeNull();
      await refused((await as(new MemoryCarrier())).auth.signIn({ email: person.email, password: FIXTURE_PASSWORD }), 'FORBIDDEN', /deactivated/);
      const listed = await admin.members.list({ status: 'deactivated' });
      expect(listed.items.map((m) => m.email)).toContain(person.email);
      await admin.members.setStatus({ membershipId: person.membershipId, status: 'active' });
      await (await as(new MemoryCarrier())).auth.signIn({ email: person.email, password: FIXTURE_PASSWORD });
    });

    it('deletes a member: hands their contacts and campaigns to another member, anonymizes them, keeps attribution', async () => {
      const admin = await as(a.people.admin.carrier);
      const person = await seedPerson(t.app, a, 'departing');
      const p = t.app.services.db.prisma;
      await p.contact.createMany({ data: [1, 2, 3].map((i) => ({ organizationId: a.organizationId, ownerUserId: person.userId, name: `Contact ${i}` })) });
      await p.campaign.create({ data: { organizationId: a.organizationId, ownerUserId: person.userId, name: 'Spring sale' } });
      expect((await admin.members.get({ membershipId: person.membershipId })).owns).toEqual({ contacts: 3, campaigns: 1 });

      const before = await databaseFingerprint(t.app);
      await refused(admin.members.remove({ membershipId: person.membershipId }), 'BAD_REQUEST', /owns 3 contacts and 1 campaigns: choose a member/);
      await refused(admin.members.remove({ membershipId: person.membershipId, transferToMembershipId: person.membershipId }), 'BAD_REQUEST');
      expect(await databaseFingerprint(t.app)).toEqual(before);

      const result = await admin.members.remove({ membershipId: person.membershipId, transferToMembershipId: a.people.teammate.membershipId });
      expect(result).toEqual({ anonymized: true, contacts: 3, campaigns: 1 });
      expect(await p.contact.count({ where: { organizationId: a.organizationId, ownerUserId: a.people.teammate.userId } })).toBe(3);
      const user = await p.user.findUniqueOrThrow({ where: { id: person.userId } });
      expect(user).toMatchObject({ status: 'deleted', name: 'Deleted user', passwordHash: null });
      expect(user.email).not.toContain('departing');
      expect(await (await as(person.carrier)).auth.me()).toBeNull();
      const audit = await admin.audit.list({ action: 'member.remove' });
      expect(audit[0]).toMatchObject({ targetId: person.userId, after: { anonymized: true, transferredTo: a.people.teammate.email } });
    });

    it('sets per-user limits, refusing negative numbers and unknown metrics', async () => {
      const admin = await as(a.people.admin.carrier);
      await refused(admin.members.setLimits({ membershipId: a.people.member.membershipId, limits: [{ metric: 'sms_sent', limit: -1 }] }), 'BAD_REQUEST', /negative/);
      await refused(admin.members.setLimits({ membershipId: a.people.member.membershipId, limits: [{ metric: 'carrier_pigeons' as 'sms_sent', limit: 1 }] }), 'BAD_REQUEST');
      expect(await admin.members.setLimits({ membershipId: a.people.member.membershipId, limits: [{ metric: 'sms_sent', limit: 500 }, { metric: 'ai_queries', limit: 50 }] })).toHaveLength(2);
      expect(await admin.members.setLimits({ membershipId: a.people.member.membershipId, limits: [{ metric: 'ai_queries', limit: null }] })).toEqual([{ metric: 'sms_sent', limit: 500 }]);
    });

    it('searches and filters a 10,000-member organization page by page', async () => {
      const big = await seedTenant(t.app, 'bigco');
      const rows = Array.from({ length: 10_000 }, (_, i) => i);
      for (let start = 0; start < rows.length; start += 1000) {
        const chunk = rows.slice(start, start + 1000);
        await t.app.services.db.query(
          `with u as (insert into users (id, email, name, updated_at) select gen_random_uuid(), 'bulk' || n || '@bigco.test', 'Bulk Person ' || lpad(n::text, 5, '0'), now() from unnest($1::int[]) n returning id)
           insert into memberships (organization_id, id, user_id, role, updated_at) select $2::uuid, gen_random_uuid(), id, 'member', now() from u`,
          [chunk, big.organizationId],
        );
      }
      const admin = await as(big.people.admin.carrier);
      const page = await admin.members.list({ limit: 200, offset: 400 });
      expect(page.total).toBe(10_007);
      expect(page.items).toHaveLength(200);
      const search = await admin.members.list({ search: 'person 00999' });
      expect(search.items.map((m) => m.email)).toEqual(['bulk999@bigco.test']);
      // LIKE's wildcards in a search are plain characters: "_" and "%" match only themselves.
      expect((await admin.members.list({ search: 'person 0099_' })).total).toBe(0);
      expect((await admin.members.list({ search: '%' })).total).toBe(0);
      expect((await admin.members.list({ role: 'guest' })).items.map((m) => m.email)).toEqual([big.people.guest.email]);
      expect((await admin.members.list({ teamId: big.managedTeamId })).total).toBe(3);
    });
  });

  describe('teams and managers', () => {
    it('lets a manager create a team, add members by email and see only their teams’ members', async () => {
      const manager = await as(a.people.manager.carrier);
      const { id } = await manager.teams.create({ name: 'Night shift' });
      const teams = await manager.teams.list();
      expect(teams.find((t) => t.id === id)).toMatchObject({ managedByMe: true, memberCount: 1 });
      // The guest is in no team (outsideMember's Support has a manager of its own by now: refused, see manager-scope.test.ts).
      await manager.teams.addMember({ teamId: id, email: a.people.guest.email });
      const visible = (await manager.members.list({})).items.map((m) => m.email);
      expect(visible).toContain(a.people.guest.email);
      expect(visible).not.toContain(a.people.admin.email);
      await refused(manager.members.get({ membershipId: a.people.admin.membershipId }), 'NOT_FOUND');
      await manager.teams.removeMember({ teamId: id, userId: a.people.guest.userId });
      expect((await manager.members.list({})).items.map((m) => m.email)).not.toContain(a.people.guest.email);
    });

    it('keeps managers inside their own teams', async () => {
      const manager = await as(a.people.manager.carrier);
      const before = await databaseFingerprint(t.app);
      await refused(manager.teams.update({ teamId: a.otherTeamId, name: 'Mine now' }), 'FORBIDDEN', /only change the teams they manage/);
      await refused(manager.teams.addMember({ teamId: a.otherTeamId, email: a.people.member.email }), 'FORBIDDEN');
      await refused(manager.teams.addMember({ teamId: a.managedTeamId, email: a.people.guest.email, role: 'manager' }), 'FORBIDDEN', /Only admins/);
      await refused(manager.teams.addMember({ teamId: a.managedTeamId, email: b.people.member.email }), 'NOT_FOUND', /not a member of this organization/);
      await refused(manager.teams.setBudgets({ teamId: a.managedTeamId, budgets: [{ metric: 'sms_sent', limit: 10 }] }), 'FORBIDDEN');
      await refused(manager.members.changeRole({ membershipId: a.people.member.membershipId, role: 'admin' }), 'FORBIDDEN');
      await refused(manager.invitations.create({ email: 'x@acme.test', role: 'member' }), 'FORBIDDEN');
      expect(await databaseFingerprint(t.app)).toEqual(before);
    });

    it('renames, archives and restores teams, refuses duplicate names, and keeps budgets per metric', async () => {
      const admin = await as(a.people.admin.carrier);
      const { id } = await admin.teams.create({ name: 'Events' });
      await refused(admin.teams.create({ name: 'Events' }), 'CONFLICT', /already exists/);
      await refused(admin.teams.update({ teamId: id, name: 'Sales' }), 'CONFLICT', /already exists/);
      await admin.teams.update({ teamId: id, name: 'Field events' });
      await admin.teams.setBudgets({ teamId: id, budgets: [{ metric: 'sms_sent', limit: 5000 }, { metric: 'emails_sent', limit: 100 }] });
      await admin.teams.setBudgets({ teamId: id, budgets: [{ metric: 'emails_sent', limit: null }] });
      await admin.teams.update({ teamId: id, archived: true });
      expect((await admin.teams.list()).map((t) => t.id)).not.toContain(id);
      const archived = (await admin.teams.list({ includeArchived: true })).find((t) => t.id === id)!;
      expect(archived).toMatchObject({ name: 'Field events', budgets: [{ metric: 'sms_sent', limit: 5000 }] });
      expect(archived.archivedAt).not.toBeNull();
      await refused(admin.teams.addMember({ teamId: id, email: a.people.member.email }), 'PRECONDITION_FAILED', /archived/);
      await admin.teams.update({ teamId: id, archived: false });
      const actions = (await admin.audit.list({ action: 'team.' })).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['team.create', 'team.rename', 'team.archive', 'team.restore', 'team.budget_change']));
    });
  });

  describe('audit trail', () => {
    it('pages through events that share a timestamp without skipping or repeating any', async () => {
      const owner = await as(a.people.owner.carrier);
      // The test clock stands still, so these all get the same created_at.
      for (const name of ['Audit 1', 'Audit 2', 'Audit 3', 'Audit 4', 'Audit 5']) await owner.teams.create({ name });
      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const page = await owner.audit.list({ action: 'team.create', limit: 2, after });
        seen.push(...page.map((e) => e.id));
        if (page.length < 2) break;
        after = { createdAt: page.at(-1)!.createdAt, id: page.at(-1)!.id };
      }
      const all = await owner.audit.list({ action: 'team.create', limit: 200 });
      expect(seen).toEqual(all.map((e) => e.id));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('organization settings', () => {
    it('updates settings and the billing profile (owners only), with audit before and after', async () => {
      const admin = await as(a.people.admin.carrier);
      const owner = await as(a.people.owner.carrier);
      const updated = await admin.organization.updateSettings({ name: 'Acme Messaging', alertThresholds: [90, 50, 100], contactSharing: 'personal', logoDataUrl: 'data:image/png;base64,iVBORw0KGgo=' });
      expect(updated).toMatchObject({ name: 'Acme Messaging', alertThresholds: [50, 90, 100], contactSharing: 'personal' });
      await refused(admin.organization.updateSettings({ alertThresholds: [50, 150] }), 'BAD_REQUEST', /1 to 100/);
      await refused(admin.organization.updateSettings({ logoDataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }), 'BAD_REQUEST', /PNG, JPEG, SVG or WebP/);
      await refused(admin.organization.updateBillingProfile({ billingEmail: 'ap@acme.test' }), 'FORBIDDEN');
      await refused(owner.organization.updateBillingProfile({ billingCountry: 'Germany' }), 'BAD_REQUEST', /two-letter country code/);
      expect(await owner.organization.updateBillingProfile({ billingEmail: 'AP@acme.test', billingCountry: 'de', customerType: 'business' })).toEqual({
        billingEmail: 'ap@acme.test',
        billingCountry: 'DE',
        customerType: 'business',
      });
      const audit = await owner.audit.list({ action: 'organization.' });
      await refused((await as(a.people.member.carrier)).organization.billingProfile(), 'FORBIDDEN');
      expect(await admin.organization.billingProfile()).toMatchObject({ billingCountry: 'DE' });
      expect(await (await as(a.people.member.carrier)).organization.settings()).not.toHaveProperty('billingEmail');
      expect(audit.find((e) => e.action === 'organization.settings_change')).toMatchObject({ before: { contactSharing: 'shared' }, after: { contactSharing: 'personal', logoDataUrl: 'set' } });
      expect(audit.find((e) => e.action === 'organization.billing_profile_change')).toMatchObject({ after: { billingCountry: 'DE' } });
    });
  });
});
