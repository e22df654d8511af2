// Settings → Channels → SMS through the tRPC procedures, against the SNS stand-in: keys in the
// keychain only (the console sees set + last four), test connection with sandbox and spend limit,
// wrong keys explained, rotation and removal audited, channel settings validated, the revocation
// review decided once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { startSmsStandIn } from '../helpers/sms';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { memoryKeychain, startTestApp, type TestApp } from '../helpers/test-app';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { jsonText } from '../helpers/json-text';

let t: TestApp;
let standIn: SnsStandIn;
let acme: Tenant;
let globex: Tenant;
type Api = Awaited<ReturnType<TestApp['client']>>['api'];
let admin: Api;
let owner: Api;
let globexAdmin: Api;

const settings = {
  region: 'us-east-1',
  defaultSmsType: 'Promotional' as const,
  senderId: null,
  originationNumber: '+18445550100',
  partsPerSecond: 3,
  topicArn: 'arn:aws:sns:us-east-1:123456789012:acme-sms',
  helpText: 'Acme: help@acme.test. Msg & data rates may apply. Reply STOP to opt out.',
  complianceFooter: 'Reply STOP to opt out',
  quietHoursStart: 21,
  quietHoursEnd: 8,
};

beforeAll(async () => {
  const started = await startSmsStandIn();
  standIn = started.standIn;
  standIn.store.inSandbox = true;
  standIn.store.attributes.set('MonthlySpendLimit', '300');
  t = await startTestApp({ name: 'postgres', create: createPostgresDatabase }, { sms: started.sms });
  acme = await seedTenant(t.app, 'acme');
  globex = await seedTenant(t.app, 'globex');
  admin = (await t.client(acme.people.admin.carrier)).api;
  owner = (await t.client(acme.people.owner.carrier)).api;
  globexAdmin = (await t.client(globex.people.admin.carrier)).api;
});
afterAll(async () => {
  await t?.close();
  await standIn?.close();
});

describe('connection', () => {
  it('starts unconnected; sending refuses with a clear message', async () => {
    expect(await admin.sms.channel()).toMatchObject({ connected: false, channel: null, credentials: { accessKeyId: { set: false } } });
    await refused(admin.sms.testConnection(), 'PRECONDITION_FAILED', /SMS is not connected/);
  });

  it('refuses malformed keys, control characters and oversized input without writing', async () => {
    const before = await databaseFingerprint(t.app);
    await refused(admin.sms.saveCredentials({ accessKeyId: 'not-a-key', secretAccessKey: standIn.secretAccessKey, region: 'us-east-1' }), 'BAD_REQUEST', /AKIA/);
    await refused(admin.sms.saveCredentials({ accessKeyId: standIn.accessKeyId, secretAccessKey: `${standIn.secretAccessKey.slice(0, 20)}\u0007${standIn.secretAccessKey.slice(21)}`, region: 'us-east-1' }), 'BAD_REQUEST', /control characters/);
    await refused(admin.sms.saveCredentials({ accessKeyId: standIn.accessKeyId, secretAccessKey: 'x'.repeat(100_000), region: 'us-east-1' }), 'BAD_REQUEST');
    await refused(admin.sms.saveCredentials({ accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, region: 'mars-1' }), 'BAD_REQUEST', /AWS region/);
    expect(await databaseFingerprint(t.app)).toEqual(before);
  });

  it('saves the keys in the keychain; the console sees only set and the last four', async () => {
    const saved = await admin.sms.saveCredentials({ accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, region: 'us-east-1' });
    expect(saved.accessKeyId).toBe(`…${standIn.accessKeyId.slice(-4)}`);
    const view = await admin.sms.channel();
    expect(view).toMatchObject({ connected: true, credentials: { accessKeyId: { set: true, lastFour: `…${standIn.accessKeyId.slice(-4)}`, source: 'keychain' }, secretAccessKey: { set: true } } });
    const text = JSON.stringify(view);
    expect(text).not.toContain(standIn.secretAccessKey);
    expect(text).not.toContain(standIn.accessKeyId);
    const keychain = t.app.services.keychain as ReturnType<typeof memoryKeychain>;
    expect(keychain.entries.get(`connection:sns.secret_access_key:${acme.organizationId}`)).toBe(standIn.secretAccessKey);
    // Nowhere in the database.
    expect(JSON.stringify(await databaseFingerprint(t.app))).not.toContain(standIn.secretAccessKey.slice(0, 20));
    const audit = await t.app.services.db.prisma.auditEvent.findFirstOrThrow({ where: { organizationId: acme.organizationId, action: 'sms.credentials_saved' } });
    expect(jsonText(audit)).not.toContain(standIn.secretAccessKey);
    // The other organization is still unconnected.
    expect(await globexAdmin.sms.channel()).toMatchObject({ connected: false });
  });

  it('test connection shows the sandbox status and the monthly spend limit', async () => {
    const result = await admin.sms.testConnection();
    expect(result).toMatchObject({ ok: true, status: { inSandbox: true, monthlySpendLimitUsd: 300 } });
    expect(result.message).toContain('SMS sandbox');
    expect((await admin.sms.channel()).channel).toMatchObject({ inSandbox: true, monthlySpendLimitUsd: 300, lastTestError: null });
  });

  it('lists sending numbers with registration state and parts per second', async () => {
    standIn.store.addOriginationNumber({ phoneNumber: '+12065550123', status: 'PENDING', partsPerSecond: 1 });
    expect(await admin.sms.senders()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: '+18445550100', numberType: 'TOLL_FREE', status: 'ACTIVE', partsPerSecond: 3 }),
        expect.objectContaining({ value: '+12065550123', numberType: 'TEN_DLC', status: 'PENDING' }),
      ]),
    );
  });

  it('wrong keys: the test says what is wrong; rotating fixes it; audited', async () => {
    await admin.sms.saveCredentials({ accessKeyId: standIn.accessKeyId, secretAccessKey: 'W'.repeat(40), region: 'us-east-1' });
    const failed = await admin.sms.testConnection();
    expect(failed).toMatchObject({ ok: false, message: expect.stringContaining('secret access key does not match') });
    expect((await admin.sms.channel()).channel?.lastTestError).toContain('secret access key does not match');
    await owner.sms.saveCredentials({ accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, region: 'us-east-1' });
    expect((await owner.sms.testConnection()).ok).toBe(true);
    expect(await t.app.services.db.prisma.auditEvent.count({ where: { organizationId: acme.organizationId, action: 'sms.credentials_rotated' } })).toBe(2);
  });
});

describe('channel settings', () => {
  it('saves valid settings, audited', async () => {
    expect(await admin.sms.updateChannel(settings)).toMatchObject({ updated: expect.arrayContaining(['originationNumber', 'topicArn', 'helpText']) });
    expect((await admin.sms.channel()).channel).toMatchObject({ originationNumber: '+18445550100', partsPerSecond: 3, topicArn: settings.topicArn });
  });

  it('refuses bad settings with a message per field, writing nothing', async () => {
    const before = await databaseFingerprint(t.app);
    await refused(admin.sms.updateChannel({ ...settings, helpText: 'Call us' }), 'BAD_REQUEST', /Msg & data rates may apply/);
    await refused(admin.sms.updateChannel({ ...settings, helpText: 'Acme\u0000 Msg & data rates may apply' }), 'BAD_REQUEST', /control characters/);
    await refused(admin.sms.updateChannel({ ...settings, originationNumber: '555-0100' }), 'BAD_REQUEST', /E\.164/);
    await refused(admin.sms.updateChannel({ ...settings, senderId: 'THIS IS WAY TOO LONG' }), 'BAD_REQUEST', /sender ID/);
    await refused(admin.sms.updateChannel({ ...settings, topicArn: 'https://evil.test' }), 'BAD_REQUEST', /topic ARN/);
    await refused(admin.sms.updateChannel({ ...settings, quietHoursStart: 8, quietHoursEnd: 8 }), 'BAD_REQUEST', /different hours/);
    await refused(admin.sms.updateChannel({ ...settings, partsPerSecond: 0 }), 'BAD_REQUEST');
    expect(await databaseFingerprint(t.app)).toEqual(before);
  });

  it('a topic belongs to one organization', async () => {
    await globexAdmin.sms.saveCredentials({ accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, region: 'us-east-1' });
    await refused(globexAdmin.sms.updateChannel({ ...settings }), 'CONFLICT', /Another organization already uses this SNS topic/);
  });

  it('managers, members and guests cannot see or change the SMS connection', async () => {
    for (const who of ['manager', 'member', 'guest'] as const) {
      const api = (await t.client(acme.people[who].carrier)).api;
      await refused(api.sms.channel(), 'FORBIDDEN');
      await refused(api.sms.saveCredentials({ accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey, region: 'us-east-1' }), 'FORBIDDEN');
    }
  });

  it('sync now copies the AWS opt-out list', async () => {
    standIn.store.optedOut.add('+14155550188');
    expect(await admin.sms.syncOptOuts()).toMatchObject({ listed: 1, changed: 1 });
    expect((await admin.sms.channel()).channel?.optOutsSyncedAt).toBeInstanceOf(Date);
    standIn.store.optedOut.clear();
  });
});

describe('revocation review', () => {
  it('"Opt out" opts the number out by that person; a second decision is refused; audited', async () => {
    const p = t.app.services.db.prisma;
    await p.contact.create({ data: { organizationId: acme.organizationId, ownerUserId: acme.people.member.userId, name: 'Dana', phone: '+14155550177', consentSms: true } });
    const flagged = await p.smsInboundMessage.create({ data: { organizationId: acme.organizationId, providerMessageId: 'in-review-1', fromPhone: '+14155550177', toPhone: '+18445550100', body: 'please stop texting me', action: 'revocation_review' } });
    expect(await admin.sms.reviews()).toEqual([expect.objectContaining({ id: flagged.id, contactName: 'Dana', state: 'pending' })]);
    const results = await Promise.allSettled([admin.sms.resolveReview({ id: flagged.id, decision: 'opt_out' }), owner.sms.resolveReview({ id: flagged.id, decision: 'not_revocation' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ decision: string }>;
    const contact = await p.contact.findFirstOrThrow({ where: { organizationId: acme.organizationId, phone: '+14155550177' } });
    expect(contact.optOutSms).toBe(winner.value.decision === 'opt_out');
    await refused(admin.sms.resolveReview({ id: flagged.id, decision: 'opt_out' }), 'CONFLICT', /already reviewed/);
    expect(await p.auditEvent.count({ where: { organizationId: acme.organizationId, action: { in: ['sms.revocation_confirmed', 'sms.revocation_dismissed'] } } })).toBe(1);
    if (winner.value.decision === 'opt_out') {
      expect(await p.contactConsentEvent.findFirstOrThrow({ where: { organizationId: acme.organizationId, phone: '+14155550177' } })).toMatchObject({ source: 'revocation_review', change: 'opted_out', actorUserId: acme.people.admin.userId });
    }
    // Another organization cannot decide on it.
    await refused(globexAdmin.sms.resolveReview({ id: flagged.id, decision: 'opt_out' }), 'NOT_FOUND');
  });

  it('removing the keys stops SMS until new ones are saved; audited', async () => {
    await admin.sms.deleteCredentials();
    expect(await admin.sms.channel()).toMatchObject({ connected: false, credentials: { accessKeyId: { set: false }, secretAccessKey: { set: false } } });
    await refused(admin.sms.testConnection(), 'PRECONDITION_FAILED', /SMS is not connected/);
    await refused(admin.sms.deleteCredentials(), 'NOT_FOUND');
    expect(await t.app.services.db.prisma.auditEvent.count({ where: { organizationId: acme.organizationId, action: 'sms.credentials_deleted' } })).toBe(1);
  });
});
