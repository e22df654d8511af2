// Accounts: passwords (strength, change, reset), sessions, invite-only mode, ownership and
// deletion, team names. Real databases, a real SMTP server on loopback, the TestClock for time.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSession } from '../../server/auth/create-session';
import { requestPasswordReset } from '../../server/auth/request-password-reset';
import { hashToken } from '../../server/auth/session-tokens';
import { createMailer, LINK_PLACEHOLDERS } from '../../server/mail/mailer';
import { getAccountState } from '../../server/metering/get-usage-state';
import { eraseDueOrganizations } from '../../server/organizations/erase-organization';
import { ORGANIZATION_DELETION_GRACE_MS } from '../../server/organizations/organization-deletion';
import { databaseTargets } from '../helpers/databases';
import { decodeQuotedPrintable, startSmtpCatcher } from '../helpers/smtp-catcher';
import { MemoryCarrier, rowCounts, startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, FIXTURE_PASSWORD, seedPerson, seedTenant, type Tenant } from '../helpers/tenants';

async function refused(promise: Promise<unknown>, code: string, message?: RegExp): Promise<TRPCError> {
  const error = await promise.then(
    (r) => new Error(`allowed: ${JSON.stringify(r)?.slice(0, 200)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code, (error as Error).message).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
  return error as TRPCError;
}

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const DESKTOP_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) meterdesk/0.1.0 Chrome/140.0.0.0 Electron/41.0.0 Safari/537.36';

describe.each(databaseTargets)('accounts on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
  const call = async (carrier: MemoryCarrier, userAgent?: string) => t.app.createCaller(carrier, { transport: 'browser', userAgent });

  beforeAll(async () => {
    t = await startTestApp(target, { authPolicy: { slowDownAfterFailures: 100, lockAfterFailures: 3, lockMs: 15 * 60_000 } });
    a = await seedTenant(t.app, 'alpha');
    b = await seedTenant(t.app, 'bravo');
    smtp = await startSmtpCatcher();
  });
  afterAll(async () => {
    await smtp?.close();
    await t?.close();
  });
  beforeEach(() => {
    t.app.services.mailer = createMailer(t.app.services.db, { keychain: t.app.services.keychain });
  });
  const useSmtp = () => (t.app.services.mailer = createMailer(t.app.services.db, { smtpUrl: smtp.url }));
  const resetTokenIn = (data: string) => decodeQuotedPrintable(data).match(/mdr_[A-Za-z0-9_-]{43}/)?.[0];

  describe('passwords', () => {
    it('refuses common and breached-pattern passwords, and ones built from the person’s own words, with the estimator’s reason', async () => {
      const api = await call(new MemoryCarrier());
      const before = await rowCounts(t.app);
      const common = await refused(api.auth.signUp({ name: 'Pat', email: 'pat@new.test', password: 'password12', organizationName: 'Pat Co' }), 'BAD_REQUEST', /commonly used password/);
      expect((common.cause as unknown as { issues: { path: string[] }[] }).issues[0]!.path).toEqual(['password']);
      await refused(api.auth.signUp({ name: 'Pat', email: 'pat@new.test', password: 'qwertyuiop1', organizationName: 'Pat Co' }), 'BAD_REQUEST');
      // Strong in general, weak for someone at Acme Messaging.
      await refused(api.auth.signUp({ name: 'Olivia Owens', email: 'olivia@acme.test', password: 'acme messaging', organizationName: 'Acme Messaging' }), 'BAD_REQUEST', /personal/);
      expect(await rowCounts(t.app)).toEqual(before);
    });

    it('applies the same rule to an invitation’s acceptance', async () => {
      const owner = await call(a.people.owner.carrier);
      await owner.invitations.create({ email: 'newbie@alpha.test', role: 'member' });
      // The token is not readable from the outbox by design; issue one through the use case instead.
      const { issueInvitations } = await import('../../server/invitations/send-invitations');
      const [issued] = await t.app.services.db.prisma.$transaction((tx) =>
        issueInvitations(tx, { organizationId: a.organizationId, userId: a.people.owner.userId, role: 'owner' }, [{ email: 'newbie2@alpha.test', role: 'member' }], t.clock.now()),
      );
      await refused((await call(new MemoryCarrier())).invitations.accept({ token: issued!.token, name: 'Newbie', password: 'password12' }), 'BAD_REQUEST', /commonly used/);
    });
  });

  describe('sessions', () => {
    it('lists one’s own live sessions with device and transport, the current one marked, and revokes one', async () => {
      const person = await seedPerson(t.app, { organizationId: a.organizationId, slug: 'alpha' }, 'sessionista');
      const desktop = new MemoryCarrier();
      await (await call(desktop, DESKTOP_MAC)).auth.signIn({ email: person.email, password: FIXTURE_PASSWORD });
      const browser = new MemoryCarrier();
      await (await call(browser, CHROME_LINUX)).auth.signIn({ email: person.email, password: FIXTURE_PASSWORD });

      const sessions = await (await call(browser)).account.sessions();
      expect(sessions).toHaveLength(3);
      expect(sessions.filter((s) => s.current)).toHaveLength(1);
      expect(sessions.find((s) => s.current)).toMatchObject({ transport: 'browser', device: 'Chrome on Linux' });
      expect(sessions.find((s) => s.transport === 'desktop')).toMatchObject({ device: 'Meterdesk on macOS' });
      expect(JSON.stringify(sessions)).not.toMatch(/token|mds_/);

      const desktopSession = sessions.find((s) => s.transport === 'desktop')!;
      expect(await (await call(browser)).account.revokeSession({ sessionId: desktopSession.id })).toMatchObject({ signedOut: false });
      expect(await (await call(desktop)).auth.me()).toBeNull();
      expect(await (await call(browser)).auth.me()).not.toBeNull();
      // Revoking the current session signs out here.
      const current = sessions.find((s) => s.current)!;
      expect(await (await call(browser)).account.revokeSession({ sessionId: current.id })).toMatchObject({ signedOut: true });
      expect(browser.token).toBeUndefined();
    });

    it('cannot revoke, nor see, another user’s session, in the same organization or another', async () => {
      for (const victim of [a.people.admin, b.people.owner]) {
        const victimSession = await t.app.services.db.prisma.session.findFirstOrThrow({ where: { userId: victim.userId, revokedAt: null } });
        const intruder = await call(a.people.member.carrier);
        const before = await databaseFingerprint(t.app);
        await refused(intruder.account.revokeSession({ sessionId: victimSession.id }), 'NOT_FOUND');
        expect(await databaseFingerprint(t.app)).toEqual(before);
        expect(JSON.stringify(await intruder.account.sessions())).not.toContain(victimSession.id);
        expect(await (await call(victim.carrier)).auth.me()).not.toBeNull();
      }
      await refused((await call(a.people.member.carrier)).account.revokeSession({ sessionId: 'not-a-uuid\u0000' }), 'BAD_REQUEST');
      await refused((await call(new MemoryCarrier())).account.sessions(), 'UNAUTHORIZED');
    });
  });

  describe('change password', () => {
    it('needs the current password, ends every other session and keeps this one', async () => {
      const person = await seedPerson(t.app, { organizationId: a.organizationId, slug: 'alpha' }, 'changer');
      const other = new MemoryCarrier();
      await (await call(other)).auth.signIn({ email: person.email, password: FIXTURE_PASSWORD });
      const api = await call(person.carrier);
      const wrong = await refused(api.account.changePassword({ currentPassword: 'not-my-password-1', newPassword: 'violet-harbour-lantern-7' }), 'BAD_REQUEST', /current password is not right/);
      expect((wrong.cause as { details?: { field?: string } }).details?.field).toBe('currentPassword');
      await refused(api.account.changePassword({ currentPassword: FIXTURE_PASSWORD, newPassword: 'password12' }), 'BAD_REQUEST', /commonly used/);

      expect(await api.account.changePassword({ currentPassword: FIXTURE_PASSWORD, newPassword: 'violet-harbour-lantern-7' })).toEqual({ otherSessionsEnded: 1 });
      expect(await (await call(other)).auth.me()).toBeNull();
      expect(await (await call(person.carrier)).auth.me()).not.toBeNull();
      await refused((await call(new MemoryCarrier())).auth.signIn({ email: person.email, password: FIXTURE_PASSWORD }), 'UNAUTHORIZED');
      await (await call(new MemoryCarrier())).auth.signIn({ email: person.email, password: 'violet-harbour-lantern-7' });
      expect(await t.app.services.db.prisma.platformAuditEvent.count({ where: { action: 'auth.password_change', actorUserId: person.userId } })).toBe(1);
    });

    it('goes through the one sign-in throttle: wrong current passwords lock the account everywhere', async () => {
      const person = await seedPerson(t.app, { organizationId: a.organizationId, slug: 'alpha' }, 'locked-changer');
      const api = await call(person.carrier);
      for (let i = 0; i < 3; i++) await refused(api.account.changePassword({ currentPassword: `wrong-guess-${i}`, newPassword: 'violet-harbour-lantern-7' }), 'BAD_REQUEST');
      // Locked: the right current password is refused here, and sign-in is locked too.
      await refused(api.account.changePassword({ currentPassword: FIXTURE_PASSWORD, newPassword: 'violet-harbour-lantern-7' }), 'TOO_MANY_REQUESTS', /locked/);
      await refused((await call(new MemoryCarrier())).auth.signIn({ email: person.email, password: FIXTURE_PASSWORD }), 'TOO_MANY_REQUESTS', /locked/);
    });
  });

  describe('forgot password', () => {
    it('without SMTP issues nothing and says so; the answer is the same for every email', async () => {
      const anonymous = await call(new MemoryCarrier());
      expect(await anonymous.auth.options()).toMatchObject({ passwordResetByEmail: false });
      const before = await databaseFingerprint(t.app);
      const known = await anonymous.auth.requestPasswordReset({ email: a.people.member.email });
      const unknown = await anonymous.auth.requestPasswordReset({ email: 'nobody@nowhere.test' });
      expect(known).toEqual(unknown);
      expect(known).toMatchObject({ byEmail: false });
      await refused(anonymous.auth.requestPasswordReset({ email: 'eve\u0000@evil.test' }), 'BAD_REQUEST');
      expect(await databaseFingerprint(t.app)).toEqual(before);
    });

    it('with SMTP emails a single-use link whose token is stored only as a hash, never in the outbox; same answer for unknown emails', async () => {
      useSmtp();
      const person = await seedPerson(t.app, { organizationId: a.organizationId, slug: 'alpha' }, 'forgetful');
      const anonymous = await call(new MemoryCarrier());
      expect(await anonymous.auth.options()).toMatchObject({ passwordResetByEmail: true });
      const sent = smtp.received.length;
      const known = requestPasswordReset(t.app.services, { email: person.email });
      const unknown = requestPasswordReset(t.app.services, { email: 'nobody@nowhere.test' });
      const { delivered: d1, ...knownAnswer } = known;
      const { delivered: d2, ...unknownAnswer } = unknown;
      expect(knownAnswer).toEqual(unknownAnswer);
      await Promise.all([d1, d2]);
      expect(smtp.received.length).toBe(sent + 1);
      const mail = smtp.received.at(-1)!;
      expect(mail.to).toEqual([person.email]);
      const token = resetTokenIn(mail.data)!;
      expect(token).toBeTruthy();

      const p = t.app.services.db.prisma;
      const row = await p.passwordReset.findFirstOrThrow({ where: { userId: person.userId } });
      expect(row.tokenHash).toBe(hashToken(token));
      const dump = JSON.stringify(await t.app.services.db.query('select * from outbox_emails')) + JSON.stringify(await t.app.services.db.query('select * from platform_outbox_emails')) + JSON.stringify(await t.app.services.db.query('select * from password_resets'));
      expect(dump).not.toContain(token);
      expect(dump).toContain(LINK_PLACEHOLDERS.passwordReset);

      // Someone had locked the account by guessing; the reset clears it (it proves mailbox control).
      for (let i = 0; i < 3; i++) await refused(anonymous.auth.signIn({ email: person.email, password: `guess-${i}-xyz` }), 'UNAUTHORIZED');
      await refused(anonymous.auth.signIn({ email: person.email, password: FIXTURE_PASSWORD }), 'TOO_MANY_REQUESTS');

      expect(await anonymous.auth.describePasswordReset({ token })).toMatchObject({ email: person.email });
      await refused(anonymous.auth.resetPassword({ token, password: 'password12' }), 'BAD_REQUEST', /commonly used/);
      await anonymous.auth.resetPassword({ token, password: 'copper-meadow-signal-42' });
      expect(await (await call(person.carrier)).auth.me()).toBeNull(); // every session ended
      await (await call(new MemoryCarrier())).auth.signIn({ email: person.email, password: 'copper-meadow-signal-42' });
      // Single use.
      await refused(anonymous.auth.resetPassword({ token, password: 'another-fine-sentence-9' }), 'NOT_FOUND', /expired or was already used/);
      await refused(anonymous.auth.describePasswordReset({ token }), 'NOT_FOUND');
    });

    it('expires after an hour, refuses forged and hostile tokens', async () => {
      useSmtp();
      const person = await seedPerson(t.app, { organizationId: a.organizationId, slug: 'alpha' }, 'late');
      await requestPasswordReset(t.app.services, { email: person.email }).delivered;
      const token = resetTokenIn(smtp.received.at(-1)!.data)!;
      t.clock.advance(3600_000 + 1);
      const anonymous = await call(new MemoryCarrier());
      await refused(anonymous.auth.resetPassword({ token, password: 'copper-meadow-signal-42' }), 'NOT_FOUND');
      await refused(anonymous.auth.resetPassword({ token: `mdr_${'A'.repeat(43)}`, password: 'copper-meadow-signal-42' }), 'NOT_FOUND');
      await refused(anonymous.auth.resetPassword({ token: `${token}\u0000`, password: 'copper-meadow-signal-42' }), 'BAD_REQUEST');
      await refused(anonymous.auth.describePasswordReset({ token: 'mds_session-token-is-not-a-reset' }), 'BAD_REQUEST');
    });

    it('is throttled per account and overall, silently', async () => {
      useSmtp();
      const person = await seedPerson(t.app, { organizationId: a.organizationId, slug: 'alpha' }, 'spammed');
      const sent = smtp.received.length;
      await Promise.all(Array.from({ length: 6 }, () => requestPasswordReset(t.app.services, { email: person.email }).delivered));
      expect(smtp.received.length - sent).toBe(3);
      t.clock.advance(3600_000 + 1);
      await requestPasswordReset(t.app.services, { email: person.email }).delivered;
      expect(smtp.received.length - sent).toBe(4);

      const strict = { ...t.app.services, authPolicy: { ...t.app.services.authPolicy, passwordResetsPerHour: 1 } };
      await requestPasswordReset(strict, { email: a.people.guest.email }).delivered; // the one above already counts this hour
      expect(smtp.received.length - sent).toBe(4);
    });

    it('of concurrent redemptions of one link exactly one wins', async () => {
      useSmtp();
      const person = await seedPerson(t.app, { organizationId: a.organizationId, slug: 'alpha' }, 'racer');
      await requestPasswordReset(t.app.services, { email: person.email }).delivered;
      const token = resetTokenIn(smtp.received.at(-1)!.data)!;
      const passwords = ['copper-meadow-signal-1', 'copper-meadow-signal-2', 'copper-meadow-signal-3', 'copper-meadow-signal-4'];
      const results = await Promise.allSettled(passwords.map(async (password) => (await call(new MemoryCarrier())).auth.resetPassword({ token, password })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as TRPCError).code).toBe('NOT_FOUND');
      const winner = passwords[results.findIndex((r) => r.status === 'fulfilled')]!;
      await (await call(new MemoryCarrier())).auth.signIn({ email: person.email, password: winner });
    });

    it('platform support can issue a link once, audited; nobody else can', async () => {
      const p = t.app.services.db.prisma;
      const support = await seedPerson(t.app, { organizationId: b.organizationId, slug: 'bravo' }, 'support-agent');
      await p.user.update({ where: { id: support.userId }, data: { platformRole: 'support' } });
      for (const intruder of [a.people.owner, b.people.admin]) {
        const before = await databaseFingerprint(t.app);
        await refused((await call(intruder.carrier)).platform.issuePasswordResetLink({ email: a.people.member.email, reason: 'I am support, honest' }), 'FORBIDDEN');
        expect(await databaseFingerprint(t.app)).toEqual(before);
      }
      const agent = await call(support.carrier);
      await refused(agent.platform.issuePasswordResetLink({ email: a.people.member.email, reason: 'ticket\u0007 42' }), 'BAD_REQUEST');
      await refused(agent.platform.issuePasswordResetLink({ email: 'nobody@nowhere.test', reason: 'ticket 42' }), 'NOT_FOUND');
      const { link } = await agent.platform.issuePasswordResetLink({ email: a.people.member.email, reason: 'ticket 42: verified by phone' });
      const token = link.match(/mdr_[A-Za-z0-9_-]{43}/)![0];
      expect(JSON.stringify(await t.app.services.db.query('select * from password_resets'))).not.toContain(token);
      expect(await p.platformAuditEvent.findFirst({ where: { action: 'platform.password_reset_link', actorUserId: support.userId } })).toMatchObject({ reason: 'ticket 42: verified by phone', targetId: a.people.member.userId });
      await (await call(new MemoryCarrier())).auth.resetPassword({ token, password: 'copper-meadow-signal-77' });
      await refused((await call(new MemoryCarrier())).auth.resetPassword({ token, password: 'copper-meadow-signal-78' }), 'NOT_FOUND');
      // Put the fixture password back for the tests that follow.
      const { hashPassword } = await import('../../server/auth/passwords');
      await p.user.update({ where: { id: a.people.member.userId }, data: { passwordHash: await hashPassword(FIXTURE_PASSWORD) } });
      a.people.member.carrier.token = (await createSession(p, { userId: a.people.member.userId, remember: true, activeOrganizationId: a.organizationId }, { clock: t.clock, policy: t.app.services.authPolicy })).token;
    });
  });

  describe('invite-only mode', () => {
    it('super admins toggle it; sign-up is then refused on the server and hidden; lower roles cannot toggle it', async () => {
      const p = t.app.services.db.prisma;
      const root = await seedPerson(t.app, { organizationId: b.organizationId, slug: 'bravo' }, 'root');
      await p.user.update({ where: { id: root.userId }, data: { platformRole: 'super_admin' } });
      const support = await p.user.findFirstOrThrow({ where: { platformRole: 'support' } });
      const supportCarrier = new MemoryCarrier();
      supportCarrier.token = (await createSession(p, { userId: support.id, remember: false }, { clock: t.clock, policy: t.app.services.authPolicy })).token;
      for (const intruder of [a.people.owner.carrier, supportCarrier]) await refused((await call(intruder)).platform.setInviteOnly({ inviteOnly: false }), 'FORBIDDEN');

      const anonymous = await call(new MemoryCarrier());
      expect(await anonymous.auth.options()).toMatchObject({ signUpOpen: true });
      expect(await (await call(root.carrier)).platform.setInviteOnly({ inviteOnly: true })).toEqual({ inviteOnly: true });
      expect(await (await call(root.carrier)).platform.settings()).toEqual({ inviteOnly: true });
      expect(await anonymous.auth.options()).toMatchObject({ signUpOpen: false });
      const before = await databaseFingerprint(t.app);
      await refused(anonymous.auth.signUp({ name: 'Walk In', email: 'walkin@new.test', password: 'copper-meadow-signal-42', organizationName: 'Walk In Co' }), 'FORBIDDEN', /invitation only/);
      expect(await databaseFingerprint(t.app)).toEqual(before);
      expect(await p.platformAuditEvent.count({ where: { action: 'platform.invite_only', actorUserId: root.userId } })).toBe(1);

      await (await call(root.carrier)).platform.setInviteOnly({ inviteOnly: false });
      await anonymous.auth.signUp({ name: 'Walk In', email: 'walkin@new.test', password: 'copper-meadow-signal-42', organizationName: 'Walk In Co' });
    });

    it('the first-run wizard still creates the first super admin, and records the default for this kind of database', async () => {
      const fresh = await startTestApp(target);
      try {
        const anonymous = await fresh.app.createCaller(new MemoryCarrier());
        await anonymous.setup.completeFirstRun({ name: 'First Admin', email: 'root@first.test', password: 'copper-meadow-signal-42', organizationName: 'First Co', remember: false });
        const expected = target.name.toLowerCase().includes('postgres') && !target.name.toLowerCase().includes('pglite');
        expect(await anonymous.auth.options()).toMatchObject({ signUpOpen: !expected });
      } finally {
        await fresh.close();
      }
    });
  });

  describe('team names', () => {
    it('are unique per organization whatever the capitals, with a per-field message; archived names are free again', async () => {
      const admin = await call(a.people.admin.carrier);
      const error = await refused(admin.teams.create({ name: 'sales' }), 'CONFLICT', /already exists/);
      expect((error.cause as { details?: { field?: string } }).details?.field).toBe('name');
      await refused(admin.teams.create({ name: ' SALES ' }), 'CONFLICT');
      const { id } = await admin.teams.create({ name: 'Marketing' });
      await refused(admin.teams.update({ teamId: a.otherTeamId, name: 'MARKETING' }), 'CONFLICT');
      await admin.teams.update({ teamId: id, archived: true });
      const again = await admin.teams.create({ name: 'marketing' });
      await refused(admin.teams.update({ teamId: id, archived: false }), 'CONFLICT');
      expect(again.name).toBe('marketing');
      // Another organization may use the name.
      await (await call(b.people.admin.carrier)).teams.create({ name: 'MARKETING' });
    });

    it('concurrent creates of one name in different capitals: exactly one wins', async () => {
      const admin = await call(a.people.admin.carrier);
      const names = ['Ops', 'OPS', 'ops', 'oPs'];
      const results = await Promise.allSettled(names.map((name) => admin.teams.create({ name })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as TRPCError).code).toBe('CONFLICT');
    });
  });

  describe('ownership', () => {
    it('an owner hands the organization to an active member and becomes an admin, audited; nobody else can', async () => {
      const tenant = await seedTenant(t.app, 'charlie');
      for (const intruder of [tenant.people.admin, tenant.people.manager, tenant.people.member]) {
        await refused((await call(intruder.carrier)).organization.transferOwnership({ membershipId: intruder.membershipId }), 'FORBIDDEN');
      }
      const owner = await call(tenant.people.owner.carrier);
      // Another organization's membership id is not found here.
      const before = await databaseFingerprint(t.app);
      await refused(owner.organization.transferOwnership({ membershipId: b.people.member.membershipId }), 'NOT_FOUND');
      expect(await databaseFingerprint(t.app)).toEqual(before);
      await refused(owner.organization.transferOwnership({ membershipId: tenant.people.owner.membershipId }), 'BAD_REQUEST');
      await (await call(tenant.people.admin.carrier)).members.setStatus({ membershipId: tenant.people.guest.membershipId, status: 'deactivated' });
      await refused(owner.organization.transferOwnership({ membershipId: tenant.people.guest.membershipId }), 'PRECONDITION_FAILED', /active member/);

      await owner.organization.transferOwnership({ membershipId: tenant.people.member.membershipId });
      const p = t.app.services.db.prisma;
      const roles = await p.membership.findMany({ where: { organizationId: tenant.organizationId, id: { in: [tenant.people.owner.membershipId, tenant.people.member.membershipId] } } });
      expect(Object.fromEntries(roles.map((r) => [r.id, r.role]))).toEqual({ [tenant.people.owner.membershipId]: 'admin', [tenant.people.member.membershipId]: 'owner' });
      expect(await p.auditEvent.count({ where: { organizationId: tenant.organizationId, action: 'organization.transfer_ownership' } })).toBe(1);
      await refused((await call(tenant.people.owner.carrier)).organization.transferOwnership({ membershipId: tenant.people.owner.membershipId }), 'FORBIDDEN');
    });

    it('deleting needs the typed name; the organization is then read-only and cannot send, an owner can cancel; after 30 days the job erases it', async () => {
      const tenant = await seedTenant(t.app, 'delta');
      const p = t.app.services.db.prisma;
      await refused((await call(tenant.people.admin.carrier)).organization.scheduleDeletion({ confirmName: 'delta Inc' }), 'FORBIDDEN');
      const owner = await call(tenant.people.owner.carrier);
      await refused(owner.organization.scheduleDeletion({ confirmName: 'delta inc' }), 'BAD_REQUEST', /exactly/);
      expect((await getAccountState(t.app.services.db, tenant.organizationId, t.clock.now()))?.suspended).toBe(false);

      const { issueInvitations } = await import('../../server/invitations/send-invitations');
      const [pending] = await p.$transaction((tx) => issueInvitations(tx, { organizationId: tenant.organizationId, userId: tenant.people.owner.userId, role: 'owner' }, [{ email: 'late@delta.test', role: 'member' }], t.clock.now()));
      const scheduled = await owner.organization.scheduleDeletion({ confirmName: 'delta Inc' });
      await refused((await call(new MemoryCarrier())).invitations.accept({ token: pending!.token, name: 'Late', password: 'copper-meadow-signal-42' }), 'PRECONDITION_FAILED', /being deleted/);
      expect(scheduled.erasesAt.getTime() - scheduled.deletionScheduledAt.getTime()).toBe(ORGANIZATION_DELETION_GRACE_MS);
      expect((await getAccountState(t.app.services.db, tenant.organizationId, t.clock.now()))?.suspended).toBe(true);
      expect(await (await call(tenant.people.guest.carrier)).organization.deletionStatus()).toMatchObject({ erasesAt: scheduled.erasesAt });
      await refused((await call(tenant.people.admin.carrier)).teams.create({ name: 'New team' }), 'FORBIDDEN', /read-only/);
      await refused((await call(tenant.people.admin.carrier)).organization.cancelDeletion(), 'FORBIDDEN');
      expect((await (await call(tenant.people.admin.carrier)).teams.list({})).length).toBeGreaterThan(0); // reading still works

      await (await call(tenant.people.owner.carrier)).organization.cancelDeletion();
      expect((await getAccountState(t.app.services.db, tenant.organizationId, t.clock.now()))?.suspended).toBe(false);
      await (await call(tenant.people.admin.carrier)).teams.create({ name: 'New team' });

      await (await call(tenant.people.owner.carrier)).organization.scheduleDeletion({ confirmName: 'delta Inc' });
      t.clock.advance(ORGANIZATION_DELETION_GRACE_MS - 60_000);
      expect(await eraseDueOrganizations(t.app.services.db, t.clock)).toBe(0);
      const othersBefore = await p.membership.count({ where: { organizationId: { not: tenant.organizationId } } });
      t.clock.advance(120_000);
      // Two servers running the job at once erase it once.
      const erased = await Promise.all([eraseDueOrganizations(t.app.services.db, t.clock), eraseDueOrganizations(t.app.services.db, t.clock)]);
      expect(erased[0] + erased[1]).toBe(1);
      expect(await p.organization.findUnique({ where: { id: tenant.organizationId } })).toBeNull();
      for (const table of ['memberships', 'teams', 'audit_events', 'outbox_emails', 'usage_counters']) {
        expect(await t.app.services.db.query(`select 1 from ${table} where organization_id = $1`, [tenant.organizationId])).toHaveLength(0);
      }
      expect(await p.membership.count({ where: { organizationId: { not: tenant.organizationId } } })).toBe(othersBefore);
      expect(await p.platformAuditEvent.findFirst({ where: { action: 'organization.erase', targetId: tenant.organizationId } })).toMatchObject({ actorUserId: null });
      expect(await p.session.count({ where: { activeOrganizationId: tenant.organizationId } })).toBe(0);
    });
  });

});
