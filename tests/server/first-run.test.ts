import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/demo/seed-demo';
import { ORG_ROLES, PLATFORM_ROLES } from '../../server/permissions/permissions';
import { databaseTargets } from '../helpers/databases';
import { MemoryCarrier, startTestApp, type TestApp } from '../helpers/test-app';

describe.each(databaseTargets)('first-run wizard on $name', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(target);
  });
  afterAll(() => t?.close());

  it('creates the platform’s first super admin and first organization once, then refuses', async () => {
    const api = await t.app.createCaller(new MemoryCarrier());
    expect(await api.setup.status()).toMatchObject({ needsSetup: true, database: target.name });

    const carrier = new MemoryCarrier();
    await (await t.app.createCaller(carrier)).setup.completeFirstRun({
      name: 'Sasha Root',
      email: 'sasha@platform.test',
      password: 'first-admin-pass-1',
      organizationName: 'Platform Co',
      remember: true,
    });
    const me = await (await t.app.createCaller(carrier)).auth.me();
    expect(me?.user.platformRole).toBe('super_admin');
    expect(me?.platformPermissions).toContain('platform:impersonate');
    expect(me?.activeOrganization?.role).toBe('owner');
    expect(await api.setup.status()).toMatchObject({ needsSetup: false });

    const again = await (await t.app.createCaller(new MemoryCarrier())).setup
      .completeFirstRun({ name: 'Eve', email: 'eve@evil.test', password: 'takeover-pass-1', organizationName: 'Evil', remember: false })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(TRPCError);
    expect((again as TRPCError).message).toMatch(/already set up/);
    expect(await t.app.services.db.prisma.user.count({ where: { email: 'eve@evil.test' } })).toBe(0);
    await expect((await t.app.createCaller(new MemoryCarrier())).setup.loadDemoData()).rejects.toThrow(/already set up/);
  });
});

describe.each(databaseTargets)('demo data on $name', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(target);
  });
  afterAll(() => t?.close());

  it('loads a realistic dataset over every role, and its accounts can sign in', async () => {
    const { password, accounts } = await (await t.app.createCaller(new MemoryCarrier())).setup.loadDemoData();
    expect(password).toBe(DEMO_PASSWORD);
    const p = t.app.services.db.prisma;
    const orgs = await p.organization.findMany({ select: { slug: true } });
    expect(orgs.length).toBeGreaterThanOrEqual(3);
    expect(orgs.map((o) => o.slug)).toContain('acme');
    expect(await p.user.count()).toBeGreaterThanOrEqual(40);
    const roles = new Set((await p.membership.findMany({ select: { role: true } })).map((m) => m.role));
    for (const role of ORG_ROLES) expect(roles).toContain(role);
    const staff = new Set((await p.user.findMany({ where: { platformRole: { not: null } }, select: { platformRole: true } })).map((u) => u.platformRole));
    for (const role of PLATFORM_ROLES) expect(staff).toContain(role);
    expect(await p.team.count()).toBeGreaterThanOrEqual(6);

    const acmeOwner = accounts.find((a) => a.organization === 'acme' && a.role === 'owner')!;
    const carrier = new MemoryCarrier();
    await (await t.app.createCaller(carrier)).auth.signIn({ email: acmeOwner.email, password });
    const overview = await (await t.app.createCaller(carrier)).organization.overview();
    expect(overview.slug).toBe('acme');
    expect(overview.memberCount).toBeGreaterThanOrEqual(15);
    // A month so far of sample usage, on the acme's Growth plan.
    const summary = await (await t.app.createCaller(carrier)).usage.summary({});
    expect(summary.plan.key).toBe('growth');
    expect(summary.metrics.find((m) => m.metric === 'sms_sent')!.used).toBeGreaterThan(0);
  });
});
