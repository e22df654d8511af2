import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../server/auth/session-tokens';
import { databaseTargets } from '../helpers/databases';
import { MemoryCarrier, rowCounts, startTestApp, type TestApp } from '../helpers/test-app';

const owner = { name: 'Olivia Owens', email: 'Olivia@Acme.test', password: 'correct-horse-9', organizationName: 'Acme Messaging', remember: false };

async function rejection(promise: Promise<unknown>): Promise<TRPCError & { code: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected the call to be refused').toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe.each(databaseTargets)('auth on $name', (target) => {
  let t: TestApp;
  const as = (carrier: MemoryCarrier) => t.app.createCaller(carrier);

  beforeAll(async () => {
    t = await startTestApp(target, { authPolicy: { slowDownAfterFailures: 3, slowDownBaseMs: 1000, lockAfterFailures: 6, lockMs: 15 * 60_000 } });
  });
  afterAll(() => t?.close());

  it('signs up a user, creates their organization with them as owner, and signs them in', async () => {
    const carrier = new MemoryCarrier();
    await (await as(carrier)).auth.signUp(owner);
    expect(carrier.token).toMatch(/^mds_/);

    const me = await (await as(carrier)).auth.me();
    expect(me?.user.email).toBe('olivia@acme.test');
    expect(me?.activeOrganization).toMatchObject({ name: 'Acme Messaging', slug: 'acme-messaging', role: 'owner' });
    expect(me?.permissions).toContain('billing:manage');

    const p = t.app.services.db.prisma;
    const user = await p.user.findUniqueOrThrow({ where: { email: 'olivia@acme.test' } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    const session = await p.session.findFirstOrThrow({ where: { userId: user.id } });
    // Only the hash of the token is stored.
    expect(session.tokenHash).toBe(hashToken(carrier.token!));
    expect(JSON.stringify(session)).not.toContain(carrier.token!);
    expect(await p.auditEvent.count({ where: { action: 'organization.create', actorUserId: user.id } })).toBe(1);
  });

  it('refuses an existing email, a malformed email and a weak password with clear messages, writing nothing', async () => {
    const before = await rowCounts(t.app);
    const api = await as(new MemoryCarrier());

    const taken = await rejection(api.auth.signUp({ ...owner, email: 'OLIVIA@acme.test', organizationName: 'Another Co' }));
    expect(taken.code).toBe('CONFLICT');
    expect(taken.message).toMatch(/already exists/);

    const malformed = await rejection(api.auth.signUp({ ...owner, email: 'olivia-at-acme' }));
    expect(malformed.code).toBe('BAD_REQUEST');
    expect(malformed.message).toMatch(/valid email/);

    const weak = await rejection(api.auth.signUp({ ...owner, email: 'new@acme.test', password: 'short' }));
    expect(weak.code).toBe('BAD_REQUEST');
    expect(weak.message).toMatch(/at least 10 characters/);

    expect(await rowCounts(t.app)).toEqual(before);
  });

  it('signs in with the right password, case-insensitively by email, and not with a wrong one', async () => {
    const carrier = new MemoryCarrier();
    const wrong = await rejection((await as(carrier)).auth.signIn({ email: owner.email, password: 'wrong-password-1' }));
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(wrong.message).toMatch(/email or password is not right/);
    expect(carrier.token).toBeUndefined();

    const unknown = await rejection((await as(carrier)).auth.signIn({ email: 'nobody@acme.test', password: 'whatever-123' }));
    expect(unknown.message).toBe(wrong.message); // no hint about which accounts exist

    await (await as(carrier)).auth.signIn({ email: 'OLIVIA@ACME.TEST', password: owner.password, remember: true });
    expect(carrier.remember).toBe(true);
    expect((await (await as(carrier)).auth.me())?.user.name).toBe('Olivia Owens');
  });

  it('slows repeated failed sign-ins, then locks the account for a while', async () => {
    const api = await as(new MemoryCarrier());
    const email = 'olivia@acme.test';
    for (let i = 0; i < 3; i++) expect((await rejection(api.auth.signIn({ email, password: `nope-${i}-xyz` }))).code).toBe('UNAUTHORIZED');

    // Slowed: the next attempt must wait, even with the right password.
    const slowed = await rejection(api.auth.signIn({ email, password: owner.password }));
    expect(slowed.code).toBe('TOO_MANY_REQUESTS');
    expect(slowed.message).toMatch(/Wait 1 second/);

    for (let i = 3; i < 6; i++) {
      t.clock.advance(60_000);
      expect((await rejection(api.auth.signIn({ email, password: `nope-${i}-xyz` }))).code).toBe('UNAUTHORIZED');
    }
    t.clock.advance(60_000);
    const locked = await rejection(api.auth.signIn({ email, password: owner.password }));
    expect(locked.code).toBe('TOO_MANY_REQUESTS');
    expect(locked.message).toMatch(/locked for 14 more minutes/);

    t.clock.advance(15 * 60_000);
    const carrier = new MemoryCarrier();
    await (await as(carrier)).auth.signIn({ email, password: owner.password });
    expect(carrier.token).toBeDefined();
  });

  it('returns an expired session to sign-in and clears it', async () => {
    const carrier = new MemoryCarrier();
    await (await as(carrier)).auth.signIn({ email: owner.email, password: owner.password, remember: false });
    t.clock.advance(11 * 3600_000);
    expect(await (await as(carrier)).auth.me()).not.toBeNull();
    t.clock.advance(2 * 3600_000);
    expect(await (await as(carrier)).auth.me()).toBeNull();
    expect(carrier.token).toBeUndefined();
    const refused = await rejection((await as(carrier)).organization.overview());
    expect(refused.code).toBe('UNAUTHORIZED');
  });

  it('signs out one session, or every session of the user', async () => {
    const laptop = new MemoryCarrier();
    const desktop = new MemoryCarrier();
    const phone = new MemoryCarrier();
    for (const c of [laptop, desktop, phone]) await (await as(c)).auth.signIn({ email: owner.email, password: owner.password });

    const laptopToken = laptop.token!;
    await (await as(laptop)).auth.signOut();
    expect(laptop.token).toBeUndefined();
    expect(await (await as(new MemoryCarrier())).auth.me()).toBeNull();
    const revoked = new MemoryCarrier();
    revoked.token = laptopToken; // a stolen copy of the revoked token no longer works
    expect(await (await as(revoked)).auth.me()).toBeNull();
    expect(await (await as(desktop)).auth.me()).not.toBeNull();

    const { revoked: count } = await (await as(desktop)).auth.signOutEverywhere();
    expect(count).toBeGreaterThanOrEqual(2);
    expect(await (await as(phone)).auth.me()).toBeNull();
    expect(await (await as(desktop)).auth.me()).toBeNull();
  });

  it('answers the dashboard with the organization and the caller’s role, and switches organizations only to ones they belong to', async () => {
    const carrier = new MemoryCarrier();
    await (await as(carrier)).auth.signIn({ email: owner.email, password: owner.password });
    const overview = await (await as(carrier)).organization.overview();
    expect(overview).toMatchObject({ name: 'Acme Messaging', memberCount: 1, teamCount: 0, membersByRole: { owner: 1 } });

    const other = new MemoryCarrier();
    await (await as(other)).auth.signUp({ name: 'Gloria Hart', email: 'gloria@globex.test', password: 'globex-pass-77', organizationName: 'Globex' });
    const globexId = (await (await as(other)).auth.me())!.activeOrganization!.id;

    const refused = await rejection((await as(carrier)).organization.switch({ organizationId: globexId }));
    expect(refused.code).toBe('NOT_FOUND');
    expect((await (await as(carrier)).organization.overview()).name).toBe('Acme Messaging');
  });
});
