// Settings → Connections on the real OS keychain (Secret Service over D-Bus; `npm test` starts a
// private gnome-keyring): every connection the installation has — shared database URL, Stripe
// secret key and webhook secret, SMTP — and each organization's SNS key pair, with real tests of
// each (select 1 on PostgreSQL, SMTP verify against a real SMTP server, GetSMSAttributes against
// the SNS stand-in), rotation and deletion. Answers carry set/not set and the last four only.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MeterdeskApp } from '../../server/app';
import { MemoryCarrier } from '../helpers/test-app';
import { openKeychain, unavailableKeychain, type Keychain } from '../../server/keychain/keychain';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';
import { requirePrerequisite } from '../helpers/prerequisites';
import { refused } from '../helpers/refusals';
import { connectOrganizationToStandIn, startSmsStandIn } from '../helpers/sms';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import type { SnsStandIn } from '../stand-ins/sns/server';

const service = `Meterdesk-connections-test-${randomBytes(4).toString('hex')}`;
const keychain = await openKeychain(service);
const available = requirePrerequisite('OS keychain', keychain.available ? { ok: true } : { ok: false, reason: keychain.unavailableReason ?? 'unknown' });

/** A real SMTP server requiring a login (user "mailer", password "right-password"). */
async function startAuthSmtp() {
  const smtp = new SMTPServer({
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 'right-password') return callback(null, { user: 'mailer' });
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}

describe.runIf(available)('Settings → Connections on the real OS keychain', () => {
  let dataDir: string;
  let app: MeterdeskApp;
  let tenant: Tenant;
  let superAdmin: MemoryCarrier;
  let smtp: Awaited<ReturnType<typeof startAuthSmtp>>;
  let sns: { standIn: SnsStandIn; sms: NonNullable<Parameters<typeof createApp>[0]>['sms'] };
  const everything: string[] = [];
  const api = (carrier: MemoryCarrier) => app.createCaller(carrier);
  /** Every answer the console got, to prove no secret was ever in one. */
  const answers: unknown[] = [];
  const call = async <T>(p: Promise<T>) => {
    const value = await p;
    answers.push(value);
    return value;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-connections-'));
    smtp = await startAuthSmtp();
    sns = await startSmsStandIn();
    const savedEnv = { SMTP_URL: process.env.SMTP_URL, DATABASE_URL: process.env.DATABASE_URL };
    delete process.env.SMTP_URL;
    delete process.env.DATABASE_URL;
    afterAll(() => Object.assign(process.env, Object.fromEntries(Object.entries(savedEnv).filter(([, v]) => v !== undefined))));
    app = await createApp({ dataDir, databaseUrl: null, keychain, env: {}, sms: sns.sms });
    tenant = await seedTenant(app, 'conn');
    await app.services.db.prisma.user.update({ where: { id: tenant.people.admin.userId }, data: { platformRole: 'super_admin' } });
    superAdmin = tenant.people.admin.carrier as MemoryCarrier;
  });

  afterAll(async () => {
    for (const account of ['connection:smtp.url', 'connection:stripe.secret_key', 'database-url', `connection:sns.access_key_id:${tenant?.organizationId}`, `connection:sns.secret_access_key:${tenant?.organizationId}`]) {
      await keychain.delete(account).catch(() => {});
    }
    await app?.close();
    await smtp?.close();
    await sns?.standIn.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('lists every connection of the installation, none set, with the keychain available', async () => {
    const list = await call((await api(superAdmin)).connections.list());
    expect(list.keychainAvailable).toBe(true);
    expect(list.keychainHelp).toBeNull();
    expect(list.databaseInUse).toBe('pglite');
    expect(list.connections.map((c) => c.name)).toEqual(['database.url', 'stripe.secret_key', 'stripe.webhook_secret', 'smtp.url']);
    for (const c of list.connections) expect(c).toMatchObject({ set: false, lastFour: null, source: null });
  });

  it('SMTP: save → test (real login) → the mailer sends over it → rotate to a wrong password → test says so → delete', async () => {
    const good = `smtp://mailer:right-password@127.0.0.1:${smtp.port}`;
    everything.push('right-password');
    const saved = await call((await api(superAdmin)).connections.save({ name: 'smtp.url', secret: good }));
    expect(saved).toMatchObject({ name: 'smtp.url', set: true, lastFour: `…${String(smtp.port).slice(-4)}`, rotated: false });
    expect(await keychain.get('connection:smtp.url')).toBe(good); // in the keychain itself
    expect(app.services.mailer.transport).toBe('smtp'); // no restart needed

    const ok = await call((await api(superAdmin)).connections.test({ name: 'smtp.url' }));
    expect(ok).toMatchObject({ ok: true });
    expect(ok.message).toMatch(/accepted the connection and login/);

    const wrong = `smtp://mailer:wrong-password@127.0.0.1:${smtp.port}`;
    everything.push('wrong-password');
    expect(await call((await api(superAdmin)).connections.save({ name: 'smtp.url', secret: wrong }))).toMatchObject({ rotated: true });
    const failed = await call((await api(superAdmin)).connections.test({ name: 'smtp.url' }));
    expect(failed).toMatchObject({ ok: false });
    expect(failed.message).toMatch(/refused the user name or password/);

    const audit = await app.services.db.prisma.platformAuditEvent.findMany({ where: { targetId: 'smtp.url' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['platform.connection_saved', 'platform.connection_rotated']);

    await call((await api(superAdmin)).connections.delete({ name: 'smtp.url' }));
    expect(await keychain.get('connection:smtp.url')).toBeUndefined();
    expect(app.services.mailer.transport).toBe('outbox');
  });

  it.runIf(postgresAvailable)('shared database URL: a URL that does not connect is refused and not stored; a good one is tested with select 1, then removed', async () => {
    const before = await databaseFingerprint(app);
    const closed = 'postgresql://nobody:pw-closed-port@127.0.0.1:1/none';
    await refused((async () => (await api(superAdmin)).connections.save({ name: 'database.url', secret: closed }))(), 'BAD_REQUEST', /Could not connect/);
    expect(await keychain.get('database-url')).toBeUndefined();
    expect(await databaseFingerprint(app)).toEqual(before);

    const database = await createPostgresDatabase();
    try {
      const saved = await call((await api(superAdmin)).connections.save({ name: 'database.url', secret: database.url }));
      expect(saved).toMatchObject({ set: true, restartRequired: true, lastFour: `…${database.url.slice(-4)}` });
      const listed = (await call((await api(superAdmin)).connections.list())).connections.find((c) => c.name === 'database.url');
      expect(listed).toMatchObject({ set: true, source: 'keychain', appliesAtRestart: true, testable: true });
      const test = await call((await api(superAdmin)).connections.test({ name: 'database.url' }));
      expect(test).toMatchObject({ ok: true });
      expect(test.message).toMatch(/answered select 1/);
      await call((await api(superAdmin)).connections.delete({ name: 'database.url' }));
      expect(await keychain.get('database-url')).toBeUndefined();
      everything.push(database.url);
    } finally {
      await database.drop();
    }
  });

  it("SNS per organization: listed with last four, GetSMSAttributes tested with that organization's pair, deleted", async () => {
    await connectOrganizationToStandIn(app, tenant.organizationId, sns.standIn);
    everything.push(sns.standIn.secretAccessKey);
    const rows = await call((await api(superAdmin)).connections.organizationSms());
    expect(rows).toEqual([
      expect.objectContaining({
        organizationId: tenant.organizationId,
        organizationName: 'conn Inc',
        accessKeyId: { set: true, lastFour: `…${sns.standIn.accessKeyId.slice(-4)}` },
        secretAccessKey: { set: true, lastFour: `…${sns.standIn.secretAccessKey.slice(-4)}` },
        source: 'keychain',
      }),
    ]);
    const test = await call((await api(superAdmin)).connections.testOrganizationSms({ organizationId: tenant.organizationId }));
    expect(test).toMatchObject({ ok: true });
    expect(test.message).toMatch(/SNS accepted the key pair/);

    await call((await api(superAdmin)).connections.deleteOrganizationSms({ organizationId: tenant.organizationId }));
    expect(await keychain.get(`connection:sns.access_key_id:${tenant.organizationId}`)).toBeUndefined();
    const after = await call((await api(superAdmin)).connections.organizationSms());
    expect(after[0]).toMatchObject({ accessKeyId: { set: false, lastFour: null } });
  });

  it('refuses lower roles, unknown organizations and hostile input, writing nothing', async () => {
    const before = await databaseFingerprint(app);
    const owner = await api(tenant.people.owner.carrier as MemoryCarrier);
    await refused(owner.connections.organizationSms(), 'FORBIDDEN');
    await refused(owner.connections.testOrganizationSms({ organizationId: tenant.organizationId }), 'FORBIDDEN');
    await refused(owner.connections.deleteOrganizationSms({ organizationId: tenant.organizationId }), 'FORBIDDEN');
    await refused(owner.connections.save({ name: 'smtp.url', secret: 'smtp://a:b@127.0.0.1:25' }), 'FORBIDDEN');
    const admin = await api(superAdmin);
    await refused(admin.connections.testOrganizationSms({ organizationId: '0190f0c0-0000-7000-8000-000000000001' }), 'NOT_FOUND');
    await refused(admin.connections.deleteOrganizationSms({ organizationId: '0190f0c0-0000-7000-8000-000000000001' }), 'NOT_FOUND');
    await refused(admin.connections.testOrganizationSms({ organizationId: 'not-a-uuid' } as never), 'BAD_REQUEST');
    await refused(admin.connections.testOrganizationSms({ organizationId: tenant.organizationId, extra: { nested: { deep: 1 } } } as never), 'BAD_REQUEST');
    await refused(admin.connections.save({ name: 'smtp.url', secret: 'smtp://a:b@host\u0000:25' }), 'BAD_REQUEST', /control characters/);
    await refused(admin.connections.save({ name: 'smtp.url', secret: `smtp://${'a'.repeat(5000)}@h:25` }), 'BAD_REQUEST');
    await refused(admin.connections.save({ name: 'smtp.url', secret: 'https://mail.example.com' }), 'BAD_REQUEST', /smtp:\/\//);
    await refused(admin.connections.save({ name: 'database.url', secret: 'mysql://x@y/z' }), 'BAD_REQUEST');
    await refused(admin.connections.save({ name: 'keychain.everything' as never, secret: 'x' }), 'BAD_REQUEST');
    await refused(admin.connections.test({ name: 'stripe.webhook_secret' }), 'BAD_REQUEST', /checked on every delivery/);
    expect(await databaseFingerprint(app)).toEqual(before);
    expect(await keychain.get('connection:smtp.url')).toBeUndefined();
  });

  it('no answer ever carried a secret', () => {
    const text = JSON.stringify(answers);
    for (const secret of everything) expect(text).not.toContain(secret);
  });
});

describe('without a keychain', () => {
  let dataDir: string;
  let app: MeterdeskApp;
  let none: Keychain;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-nokc-'));
    none = unavailableKeychain('Cannot autolaunch D-Bus without X11 $DISPLAY');
    app = await createApp({ dataDir, databaseUrl: null, keychain: none, env: {} });
  });
  afterAll(async () => {
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('the list says no keychain is available and what to install; saving anything is refused', async () => {
    const tenant = await seedTenant(app, 'nokc');
    await app.services.db.prisma.user.update({ where: { id: tenant.people.admin.userId }, data: { platformRole: 'super_admin' } });
    const admin = await app.createCaller(tenant.people.admin.carrier as MemoryCarrier);
    const list = await admin.connections.list();
    expect(list.keychainAvailable).toBe(false);
    expect(list.keychainHelp).toMatch(/No OS keychain is available \(Cannot autolaunch D-Bus/);
    if (process.platform === 'linux') expect(list.keychainHelp).toMatch(/gnome-keyring libsecret-1-0/);
    await refused(admin.connections.save({ name: 'smtp.url', secret: 'smtp://a:b@127.0.0.1:25' }), 'PRECONDITION_FAILED', /No OS keychain/);
    await refused(admin.connections.save({ name: 'database.url', secret: 'postgresql://a:b@127.0.0.1:1/x' }), 'PRECONDITION_FAILED', /No OS keychain/);
  });
});
