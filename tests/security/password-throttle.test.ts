// The sign-in throttle under concurrency, on PostgreSQL: bursts of parallel wrong sign-ins to one
// account verify at most lockAfterFailures passwords (counted for real, at the argon2 call), set
// the lock, and a right password sent within or after the bursts is refused while it holds.
import { TRPCError } from '@trpc/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthPolicy } from '../../server/auth/auth-policy';
import { observePasswordVerifications } from '../../server/auth/passwords';
import { databaseTargets, postgresAvailable } from '../helpers/databases';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';

const postgres = databaseTargets.find((d) => d.name === 'postgres');
const PASSWORD = 'the-right-password-1';

async function account(t: TestApp, email: string) {
  await (await t.app.createCaller(new MemoryCarrier())).auth.signUp({ name: 'Victim', email, password: PASSWORD, organizationName: `Org of ${email}` });
}

/** Fires all sign-ins at once; the outcome of each, in order: 'ok' or the refusal's code. */
async function burst(t: TestApp, attempts: { email: string; password: string }[]) {
  const callers = await Promise.all(attempts.map(() => t.app.createCaller(new MemoryCarrier())));
  const settled = await Promise.allSettled(attempts.map((a, i) => callers[i]!.auth.signIn(a)));
  return settled.map((s) => (s.status === 'fulfilled' ? 'ok' : s.reason instanceof TRPCError ? s.reason.code : String(s.reason)));
}

const wrong = (email: string, n: number, burstNo: number) => Array.from({ length: n }, (_, i) => ({ email, password: `guess-${burstNo}-${i}-xyz` }));
const count = (outcomes: string[], what: string) => outcomes.filter((o) => o === what).length;

describe.skipIf(!postgresAvailable)('sign-in throttle under concurrency on postgres', () => {
  let verifications = 0;
  let stop: (() => void) | undefined;
  beforeAll(() => {
    stop = observePasswordVerifications(() => verifications++);
  });
  afterAll(() => stop?.());

  describe('lock without slow-down', () => {
    let t: TestApp;
    const policy: Partial<AuthPolicy> = { slowDownAfterFailures: 1000, lockAfterFailures: 10 };
    beforeAll(async () => {
      t = await startTestApp(postgres!, { authPolicy: policy });
    });
    afterAll(() => t?.close());
    afterEach(() => void (verifications = 0));

    it('verifies at most lockAfterFailures passwords across 3 bursts of 40, locks, and refuses the right password while locked', async () => {
      const email = 'victim@burst.test';
      await account(t, email);
      verifications = 0;
      const outcomes: string[] = [];
      for (let b = 0; b < 3; b++) {
        const attempts = wrong(email, 40, b);
        // From the second burst on, the owner's right password arrives in the middle of the guesses.
        if (b > 0) attempts.splice(20, 0, { email, password: PASSWORD });
        outcomes.push(...(await burst(t, attempts)));
      }
      expect(verifications).toBeLessThanOrEqual(10);
      expect(verifications).toBe(10);
      expect(count(outcomes, 'UNAUTHORIZED')).toBe(10);
      expect(count(outcomes, 'TOO_MANY_REQUESTS')).toBe(outcomes.length - 10);
      expect(outcomes).not.toContain('ok');

      const row = await t.app.services.db.prisma.signInThrottle.findUniqueOrThrow({ where: { email } });
      expect(row.failures).toBe(10);
      expect(row.lockedUntil!.getTime()).toBe(t.clock.now().getTime() + 15 * 60_000);

      // After the bursts, the right password is still refused, without a check, until the lock ends.
      t.clock.advance(14 * 60_000);
      expect(await burst(t, [{ email, password: PASSWORD }])).toEqual(['TOO_MANY_REQUESTS']);
      expect(verifications).toBe(10);
      t.clock.advance(60_000);
      expect(await burst(t, [{ email, password: PASSWORD }])).toEqual(['ok']);
      expect(await t.app.services.db.prisma.signInThrottle.count({ where: { email } })).toBe(0);
    });

    it('lets exactly one attempt through when one failure is left, whether it is the right password or a guess', async () => {
      const email = 'owner@race.test';
      await account(t, email);
      for (let i = 0; i < 9; i++) expect(await burst(t, [{ email, password: `serial-${i}-xyz` }])).toEqual(['UNAUTHORIZED']);
      verifications = 0;
      const attempts = wrong(email, 40, 9);
      attempts.splice(20, 0, { email, password: PASSWORD });
      const outcomes = await burst(t, attempts);
      expect(verifications).toBe(1);
      expect(count(outcomes, 'UNAUTHORIZED') + count(outcomes, 'ok')).toBe(1);
      expect(count(outcomes, 'TOO_MANY_REQUESTS')).toBe(40);
      const row = await t.app.services.db.prisma.signInThrottle.findUnique({ where: { email } });
      if (outcomes.includes('ok')) {
        // The tenth check was the owner's: their own claim set the lock, and their success lifted it.
        expect(row).toBeNull();
      } else {
        expect(row!.lockedUntil!.getTime()).toBeGreaterThan(t.clock.now().getTime());
        expect(await burst(t, [{ email, password: PASSWORD }])).toEqual(['TOO_MANY_REQUESTS']);
        expect(verifications).toBe(1);
      }
    });
  });

  describe('slow-down with the default policy', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(postgres!);
    });
    afterAll(() => t?.close());

    it('holds under concurrency: after 5 failures one attempt per 1, 2, 4, 8, 16 s, then the lock', async () => {
      const email = 'victim@slow.test';
      await account(t, email);
      verifications = 0;

      const first = await burst(t, wrong(email, 40, 0));
      expect(verifications).toBe(5);
      expect(count(first, 'UNAUTHORIZED')).toBe(5);

      // Not yet a second later: nothing is checked.
      t.clock.advance(999);
      expect(count(await burst(t, wrong(email, 40, 1)), 'UNAUTHORIZED')).toBe(0);
      expect(verifications).toBe(5);

      // Slowed: the right password is refused too, without a check.
      expect(await burst(t, [{ email, password: PASSWORD }])).toEqual(['TOO_MANY_REQUESTS']);
      expect(verifications).toBe(5);

      let waited = 999;
      for (const waitMs of [1000, 2000, 4000, 8000, 16000]) {
        t.clock.advance(waitMs - waited);
        waited = 0;
        const outcomes = await burst(t, wrong(email, 40, waitMs));
        expect(count(outcomes, 'UNAUTHORIZED'), `after waiting ${waitMs} ms`).toBe(1);
        // And not a millisecond before the next wait is over.
        t.clock.advance(waitMs * 2 - 1);
        expect(count(await burst(t, wrong(email, 10, -waitMs)), 'UNAUTHORIZED')).toBe(0);
        waited = waitMs * 2 - 1;
      }
      expect(verifications).toBe(10);
      const row = await t.app.services.db.prisma.signInThrottle.findUniqueOrThrow({ where: { email } });
      expect(row.lockedUntil!.getTime()).toBeGreaterThan(t.clock.now().getTime());
      t.clock.advance(60_000);
      expect(await burst(t, [{ email, password: PASSWORD }])).toEqual(['TOO_MANY_REQUESTS']);
      expect(verifications).toBe(10);
    });
  });
});
