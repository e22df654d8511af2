// Settings → Connections end to end: the credential store on a memory keychain (and once on the
// real one when a Secret Service runs), the real `stripe` client against the stand-in, PGlite and
// PostgreSQL. A saved secret comes back only as its last four characters — never in a tRPC
// answer, a table row or a log line; saving a key turns billing on without a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { CredentialStore } from '../../server/credentials/credential-store';
import { openKeychain, unavailableKeychain } from '../../server/keychain/keychain';
import { setLogSink } from '../../server/logging/log-error';
import { databaseTargets } from '../helpers/databases';
import { memoryKeychain, startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant } from '../helpers/tenants';
import { refused } from '../helpers/refusals';
import { withStandIn, type StandInContext } from './stripe-helpers';
import { jsonText } from '../helpers/json-text';

/** Every row of every table as text: the secret must appear in none. */
async function allRowsText(t: TestApp) {
  const tables = await t.app.services.db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public'`);
  let text = '';
  for (const { tablename } of tables) text += JSON.stringify(await t.app.services.db.query(`select t::text as row from "${tablename}" t`));
  return text;
}

describe.each(databaseTargets)('connections on $name', (target) => {
  let t: TestApp | undefined;
  let s: StandInContext | undefined;
  let restoreLog: (() => void) | undefined;
  const logs: string[] = [];
  afterEach(async () => {
    restoreLog?.();
    await t?.close();
    await s?.close();
    t = s = restoreLog = undefined;
    logs.length = 0;
  });

  async function setUp() {
    s = await withStandIn();
    await s.provider.syncCatalog();
    t = await startTestApp(target);
    t.clock.set(new Date());
    restoreLog = setLogSink((line) => logs.push(line));
    const originalError = console.error;
    console.error = (...args: unknown[]) => void logs.push(args.map(String).join(' '));
    const restoreSink = restoreLog;
    restoreLog = () => {
      restoreSink();
      console.error = originalError;
    };
    // The stand-in stands in for api.stripe.com (STRIPE_API_BASE in a real deployment).
    t.app.services.connections!.stripeApiBase = s.standIn.url;
    const tenant = await seedTenant(t.app, 'alpha');
    await t.app.services.db.prisma.user.update({ where: { id: tenant.people.admin.userId }, data: { platformRole: 'super_admin' } });
    const superAdmin = (await t.client(tenant.people.admin.carrier)).api;
    return { t, s, tenant, superAdmin };
  }

  it('save → status shows the last four only; billing is configured at once and checkout works; delete turns it off', async () => {
    const { t, s, tenant, superAdmin } = await setUp();
    let owner = (await t.client(tenant.people.owner.carrier)).api;
    const databaseRow = { name: 'database.url', label: 'Shared database URL (PostgreSQL)', set: false, lastFour: null, source: null, testable: false, appliesAtRestart: true };
    const initial = await superAdmin.connections.list();
    expect(initial).toEqual({
      keychainAvailable: true,
      keychainHelp: null,
      databaseInUse: t.app.services.db.kind,
      connections: [
        // The test app is given its database URL directly: nothing is saved in the keychain.
        ...(process.env.DATABASE_URL ? [expect.objectContaining({ name: 'database.url' })] : [databaseRow]),
        { name: 'stripe.secret_key', label: 'Stripe secret key', set: false, lastFour: null, source: null, testable: false, appliesAtRestart: false },
        { name: 'stripe.webhook_secret', label: 'Stripe webhook signing secret', set: false, lastFour: null, source: null, testable: false, appliesAtRestart: false },
        { name: 'smtp.url', label: 'SMTP server URL (email)', set: false, lastFour: null, source: null, testable: false, appliesAtRestart: false },
      ],
    });
    expect((await owner.billing.overview()).configured).toBe(false);

    // Running background jobs are restarted on the new Stripe when a connection changes.
    const stopJobs = t.app.startBackgroundJobs(3_600_000);
    let restarts = 0;
    const restart = t.app.services.connections!.afterStripeChange!;
    t.app.services.connections!.afterStripeChange = async () => {
      restarts++;
      await restart();
    };
    const key = s.standIn.secretKey;
    const saved = await superAdmin.connections.save({ name: 'stripe.secret_key', secret: key });
    expect(saved).toEqual({ name: 'stripe.secret_key', set: true, lastFour: `…${key.slice(-4)}`, rotated: false, restartRequired: false });
    const webhook = 'whsec_abcdefghijklmnop1234';
    await superAdmin.connections.save({ name: 'stripe.webhook_secret', secret: webhook });
    const list = await superAdmin.connections.list();
    expect(list.connections.filter((c) => c.name.startsWith('stripe.')).map((c) => [c.name, c.set, c.lastFour, c.source])).toEqual([
      ['stripe.secret_key', true, `…${key.slice(-4)}`, 'keychain'],
      ['stripe.webhook_secret', true, '…1234', 'keychain'],
    ]);
    expect(t.app.services.stripeEvents?.webhookSecret).toBe(webhook);
    expect(restarts).toBe(2);
    await stopJobs();

    // No restart: the owner's next request (a fresh context, as every HTTP/IPC request has) sees billing live.
    owner = (await t.client(tenant.people.owner.carrier)).api;
    expect((await owner.billing.overview()).configured).toBe(true);
    const checkout = await owner.billing.startCheckout({ planKey: 'starter', interval: 'month' });
    s.standIn.completeCheckoutSession(checkout.sessionId);
    expect(await owner.billing.checkoutStatus({ sessionId: checkout.sessionId })).toEqual({ status: 'complete', planKey: 'starter' });

    expect(await superAdmin.connections.test({ name: 'stripe.secret_key' })).toMatchObject({ ok: true, livemode: false });

    // Audited with the last four only.
    const audit = await t.app.services.db.prisma.platformAuditEvent.findMany({ where: { targetType: 'connection' }, orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => [a.action, a.targetId, (a.after as { lastFour: string }).lastFour])).toEqual([
      ['platform.connection_saved', 'stripe.secret_key', `…${key.slice(-4)}`],
      ['platform.connection_saved', 'stripe.webhook_secret', '…1234'],
    ]);
    // The secrets are nowhere but the keychain.
    const everywhere = jsonText([saved, list, audit]) + (await allRowsText(t)) + logs.join('\n');
    for (const secret of [key, webhook]) expect(everywhere).not.toContain(secret);
    await expect(t.app.services.keychain.get('connection:stripe.secret_key')).resolves.toBe(key);

    await superAdmin.connections.delete({ name: 'stripe.secret_key' });
    expect((await superAdmin.connections.list()).connections.find((c) => c.name === 'stripe.secret_key')).toMatchObject({ set: false, lastFour: null });
    expect(t.app.services.billingProvider).toBeNull();
    owner = (await t.client(tenant.people.owner.carrier)).api;
    expect((await owner.billing.overview()).configured).toBe(false);
  });

  it('trial settings: checkout passes the platform trial and its end behaviour; a tenant that had a trial gets none', async () => {
    const { t, s, tenant, superAdmin } = await setUp();
    // seedTenant skips the first-run wizard: no row yet, so no trial until a super admin sets one.
    expect(await superAdmin.platform.trialSettings()).toEqual({ trialDays: 0, trialEndWithoutPaymentMethod: 'cancel' });
    await refused(superAdmin.platform.setTrialSettings({ trialDays: 731, trialEndWithoutPaymentMethod: 'cancel' }), 'BAD_REQUEST');
    await refused(superAdmin.platform.setTrialSettings({ trialDays: 7, trialEndWithoutPaymentMethod: 'refund' as 'cancel' }), 'BAD_REQUEST');
    const owner0 = (await t.client(tenant.people.owner.carrier)).api;
    await refused(owner0.platform.setTrialSettings({ trialDays: 90, trialEndWithoutPaymentMethod: 'pause' }), 'FORBIDDEN');
    expect(await superAdmin.platform.setTrialSettings({ trialDays: 7, trialEndWithoutPaymentMethod: 'pause' })).toEqual({ trialDays: 7, trialEndWithoutPaymentMethod: 'pause' });
    await superAdmin.connections.save({ name: 'stripe.secret_key', secret: s.standIn.secretKey });

    const owner = (await t.client(tenant.people.owner.carrier)).api;
    const checkout = await owner.billing.startCheckout({ planKey: 'starter', interval: 'month' });
    s.standIn.completeCheckoutSession(checkout.sessionId);
    expect(await owner.billing.checkoutStatus({ sessionId: checkout.sessionId })).toEqual({ status: 'complete', planKey: 'starter' });
    const subscription = s.standIn.store.all('subscription')[0]!;
    expect(subscription.status).toBe('trialing');
    expect(subscription.trial_settings).toEqual({ end_behavior: { missing_payment_method: 'pause' } });
    expect((subscription.trial_end as number) - (subscription.trial_start as number)).toBe(7 * 86_400);
    expect((await owner.billing.overview()).status).toBe('trialing');

    // That subscription ends; the next checkout carries no trial.
    await t.app.services.db.prisma.subscription.update({ where: { organizationId: tenant.organizationId }, data: { providerStatus: 'canceled', status: 'canceled' } });
    const again = await (await t.client(tenant.people.owner.carrier)).api.billing.startCheckout({ planKey: 'growth', interval: 'month' });
    s.standIn.completeCheckoutSession(again.sessionId);
    const second = s.standIn.store.all('subscription').find((x) => x.id !== subscription.id)!;
    expect(second.status).toBe('active');
    expect(second.trial_end).toBeNull();
  });

  it('test with a key Stripe refuses says so clearly, without the key', async () => {
    const { superAdmin } = await setUp();
    const wrong = 'sk_test_revoked0000000000wxyz';
    await superAdmin.connections.save({ name: 'stripe.secret_key', secret: wrong });
    const result = await superAdmin.connections.test({ name: 'stripe.secret_key' });
    expect(result).toEqual({ ok: false, livemode: null, message: expect.stringMatching(/Stripe refused the key ending …wxyz: it is invalid or was revoked/) });
    expect(result.message).not.toContain(wrong);
    await refused(superAdmin.connections.test({ name: 'stripe.webhook_secret' }), 'BAD_REQUEST', /checked on every delivery Stripe makes/);
  });

  it('owners, admins and platform support are refused and nothing is written', async () => {
    const { t, tenant } = await setUp();
    const support = tenant.people.manager;
    await t.app.services.db.prisma.user.update({ where: { id: support.userId }, data: { platformRole: 'support' } });
    const before = await databaseFingerprint(t.app);
    for (const person of [tenant.people.owner, tenant.people.member, support]) {
      const api = (await t.client(person.carrier)).api;
      await refused(api.connections.save({ name: 'stripe.secret_key', secret: 'sk_test_attacker0000' }), 'FORBIDDEN');
      await refused(api.connections.delete({ name: 'stripe.secret_key' }), 'FORBIDDEN');
      await refused(api.connections.list(), 'FORBIDDEN');
      await refused(api.connections.test({ name: 'stripe.secret_key' }), 'FORBIDDEN');
    }
    expect(await databaseFingerprint(t.app)).toEqual(before);
    expect(await t.app.services.keychain.get('connection:stripe.secret_key')).toBeUndefined();
  });

  it('malformed secrets are refused per field, nothing stored', async () => {
    const { t, superAdmin } = await setUp();
    const before = await databaseFingerprint(t.app);
    const cases: [string, string, RegExp][] = [
      ['stripe.secret_key', 'pk_test_publishable1234', /secret \(sk_test_…, sk_live_…\) or restricted/],
      ['stripe.secret_key', 'sk_test_abc\u0000def', /control characters/],
      ['stripe.secret_key', '', /empty/],
      ['stripe.webhook_secret', 'sk_test_notawebhook', /must start with whsec_/],
      ['stripe.webhook_secret', 'whsec_ab\u001bcd', /control characters/],
    ];
    for (const [name, secret, message] of cases) {
      const error = await refused(superAdmin.connections.save({ name: name as 'stripe.secret_key', secret }), 'BAD_REQUEST', message);
      if (secret.length > 4) expect(error.message).not.toContain(secret);
    }
    await refused(superAdmin.connections.save({ name: 'smtp.password' as 'stripe.secret_key', secret: 'x' }), 'BAD_REQUEST');
    expect(await databaseFingerprint(t.app)).toEqual(before);
    expect((t.app.services.keychain as ReturnType<typeof memoryKeychain>).entries.size).toBe(0);
  });
});

describe('the credential store', () => {
  it('in server mode the environment wins over the keychain, and says so', async () => {
    const keychain = memoryKeychain();
    await keychain.set('connection:stripe.secret_key', 'sk_test_fromkeychain1111');
    const store = new CredentialStore(keychain, { STRIPE_SECRET_KEY: 'sk_live_fromenvironment2222' });
    expect(await store.get('stripe.secret_key')).toBe('sk_live_fromenvironment2222');
    expect((await store.status())[0]).toMatchObject({ set: true, lastFour: '…2222', source: 'environment' });
    expect(await new CredentialStore(keychain, {}).get('stripe.secret_key')).toBe('sk_test_fromkeychain1111');
  });

  it('keeps per-organization connections apart (the SNS shape)', async () => {
    const keychain = memoryKeychain();
    const store = new CredentialStore(keychain);
    await store.set('stripe.webhook_secret', 'whsec_orgA', 'org-a');
    expect(await store.get('stripe.webhook_secret', 'org-b')).toBeUndefined();
    expect([...keychain.entries.keys()]).toEqual(['connection:stripe.webhook_secret:org-a']);
  });

  it('without a keychain, saving says so and what to install; nothing is stored elsewhere', async () => {
    const store = new CredentialStore(unavailableKeychain('no D-Bus session'));
    await expect(store.set('stripe.secret_key', 'sk_test_abcdef1234')).rejects.toThrow(/No OS keychain is available \(no D-Bus session\).*stores connection secrets nowhere else/);
    if (process.platform === 'linux') await expect(store.set('stripe.secret_key', 'sk_test_abcdef1234')).rejects.toThrow(/gnome-keyring libsecret/);
    expect(await store.status()).toEqual([expect.objectContaining({ name: 'stripe.secret_key', set: false }), expect.objectContaining({ name: 'stripe.webhook_secret', set: false }), expect.objectContaining({ name: 'smtp.url', set: false })]);
  });

  it('an app created with env STRIPE_SECRET_KEY uses it even when the keychain holds another (server mode)', async () => {
    const s = await withStandIn();
    const keychain = memoryKeychain();
    await keychain.set('connection:stripe.secret_key', 'sk_test_stale000000');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-creds-'));
    const app = await createApp({ dataDir, databaseUrl: null, keychain, env: { STRIPE_SECRET_KEY: s.standIn.secretKey, STRIPE_API_BASE: s.standIn.url } });
    try {
      expect(app.services.billingProvider).not.toBeNull();
      expect((await app.services.connections!.store.status())[0]).toMatchObject({ source: 'environment', lastFour: `…${s.standIn.secretKey.slice(-4)}` });
      const { testConnection } = await import('../../server/credentials/manage-connections');
      expect(await testConnection(app.services, { name: 'stripe.secret_key' })).toMatchObject({ ok: true });
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
      await s.close();
    }
  });

  it('on the real OS keychain when one runs: set, status, delete', async (ctx) => {
    const keychain = await openKeychain(`Meterdesk-test-${process.pid}`);
    if (!keychain.available) return ctx.skip();
    const store = new CredentialStore(keychain);
    await store.set('stripe.webhook_secret', 'whsec_realkeychain9876');
    expect((await store.status())[1]).toMatchObject({ set: true, lastFour: '…9876', source: 'keychain' });
    await store.delete('stripe.webhook_secret');
    expect(await store.get('stripe.webhook_secret')).toBeUndefined();
  });
});
