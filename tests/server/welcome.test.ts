import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/databases';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';

const person = { name: 'Wendy Welcome', email: 'wendy@welcome.test', password: 'correct-horse-9', organizationName: 'Welcome Co', remember: false };

describe.each(databaseTargets)('first sign-in greeting on $name', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(target);
  });
  afterAll(() => t?.close());

  it('marks the first session as the first, and later sign-ins (even after signing out) as returning', async () => {
    const first = new MemoryCarrier();
    await (await t.app.createCaller(first)).auth.signUp(person);
    expect((await (await t.app.createCaller(first)).auth.me())?.firstSession).toBe(true);
    await (await t.app.createCaller(first)).auth.signOut();

    t.clock.advance(60_000);
    const second = new MemoryCarrier();
    await (await t.app.createCaller(second)).auth.signIn({ email: person.email, password: person.password });
    expect((await (await t.app.createCaller(second)).auth.me())?.firstSession).toBe(false);
  });
});
