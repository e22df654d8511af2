// The SNS stand-in and SnsProvider together, through the real @aws-sdk/client-sns over HTTP: the
// Query protocol requests the SDK builds, the XML the stand-in answers, error mapping, the SDK's
// bounded retries (no duplicate Publish), timeouts, pagination, opt-in once per 30 days, and
// signed notifications verified with sns-validator.
import { generateKeyPairSync, createSign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SnsProvider } from '../../server/sms/sns/sns-provider';
import { parseSnsNotification } from '../../server/sms/sns/sns-notifications';
import { SmsNotificationRejected } from '../../server/sms/sms-provider';
import { startSnsStandIn, trustStandInCertificate, type SnsStandIn } from '../stand-ins/sns/server';
import { stringToSign } from '../stand-ins/sns/notifications';

let standIn: SnsStandIn;
let now = new Date('2026-11-02T09:00:00Z');
const providers: SnsProvider[] = [];

function provider(overrides: Partial<ConstructorParameters<typeof SnsProvider>[0]> = {}) {
  const p = new SnsProvider({
    accessKeyId: standIn.accessKeyId,
    secretAccessKey: standIn.secretAccessKey,
    region: standIn.region,
    endpoint: standIn.endpoint,
    retryBaseDelayMs: 1,
    certificateHosts: [standIn.certHost],
    ...overrides,
  });
  providers.push(p);
  return p;
}

beforeAll(async () => {
  trustStandInCertificate();
  standIn = await startSnsStandIn({
    now: () => now,
    originationNumbers: [
      { phoneNumber: '+18445550100', status: 'ACTIVE', partsPerSecond: 3 },
      { phoneNumber: '+12065550111', status: 'PENDING' },
    ],
  });
});
afterAll(async () => {
  providers.forEach((p) => p.destroy());
  await standIn.close();
});
afterEach(() => {
  standIn.requests.length = 0;
});

describe('SNS stand-in through the real SDK', () => {
  it('connect reads SMS attributes and the sandbox status', async () => {
    standIn.store.attributes.set('MonthlySpendLimit', '250');
    standIn.store.attributes.set('DefaultSenderID', 'Meterdesk');
    standIn.store.inSandbox = true;
    const status = await provider().connect();
    expect(status).toEqual({ region: 'us-east-1', inSandbox: true, monthlySpendLimitUsd: 250, defaultSmsType: 'Promotional', defaultSenderId: 'Meterdesk' });
    standIn.store.inSandbox = false;
  });

  it('lists origination numbers with state and parts per second, and the sender ID', async () => {
    const identities = await provider().listSenderIdentities();
    expect(identities).toEqual([
      { value: '+18445550100', kind: 'origination_number', country: 'US', numberType: 'TOLL_FREE', status: 'ACTIVE', partsPerSecond: 3 },
      { value: '+12065550111', kind: 'origination_number', country: 'US', numberType: 'TEN_DLC', status: 'PENDING', partsPerSecond: 1 },
      { value: 'Meterdesk', kind: 'sender_id', country: null, numberType: 'SENDER_ID', status: null, partsPerSecond: null },
    ]);
  });

  it('publishes with message attributes as the Query protocol flattens them', async () => {
    const result = await provider().send({ to: '+14155550123', body: 'Hello & <welcome> — ünïcode ✓', smsType: 'Transactional', originationNumber: '+18445550100', maxPriceUsd: '0.50' });
    expect(result.ok).toBe(true);
    const published = standIn.store.published.at(-1)!;
    expect(result).toEqual({ ok: true, providerMessageId: published.messageId });
    expect(published.message).toBe('Hello & <welcome> — ünïcode ✓');
    expect(published.attributes).toEqual({
      'AWS.SNS.SMS.SMSType': { dataType: 'String', value: 'Transactional' },
      'AWS.MM.SMS.OriginationNumber': { dataType: 'String', value: '+18445550100' },
      'AWS.SNS.SMS.MaxPrice': { dataType: 'Number', value: '0.50' },
    });
    expect(standIn.requests[0]!.params).toMatchObject({ Action: 'Publish', Version: '2010-03-31', 'MessageAttributes.entry.1.Name': expect.any(String) });
  });

  it('maps InvalidParameter, OptedOut and an inactive origination number to final failures', async () => {
    const p = provider();
    expect(await p.send({ to: '+1415', body: 'x', smsType: 'Promotional' })).toMatchObject({ ok: false, code: 'invalid_parameter', retryable: false, optedOut: false });
    expect(await p.send({ to: '+14155550123', body: 'x', smsType: 'Promotional', originationNumber: '+12065550111' })).toMatchObject({ ok: false, code: 'invalid_parameter', message: expect.stringContaining('not an active origination number') });
    standIn.store.optedOut.add('+14155550999');
    expect(await p.send({ to: '+14155550999', body: 'x', smsType: 'Promotional' })).toMatchObject({ ok: false, code: 'opted_out', optedOut: true, retryable: false });
    standIn.failNext(1, 'InvalidParameter', { action: 'Publish' });
    expect(await p.send({ to: '+14155550123', body: 'x', smsType: 'Promotional' })).toMatchObject({ ok: false, code: 'invalid_parameter' });
    standIn.store.optedOut.delete('+14155550999');
  });

  it('throttling and 5xx are retried by the SDK without a duplicate Publish', async () => {
    const before = standIn.store.published.length;
    standIn.failNext(2, 'Throttled', { action: 'Publish' });
    const a = await provider().send({ to: '+14155550123', body: 'retry me', smsType: 'Promotional' });
    expect(a.ok).toBe(true);
    standIn.failNext(2, 'InternalError', { action: 'Publish' });
    const b = await provider().send({ to: '+14155550124', body: 'retry me too', smsType: 'Promotional' });
    expect(b.ok).toBe(true);
    expect(standIn.store.published.length - before).toBe(2);
    expect(standIn.requests.filter((r) => r.action === 'Publish').map((r) => r.status)).toEqual([429, 429, 200, 500, 500, 200]);
  });

  it('gives up after the bounded attempts with a retryable failure', async () => {
    standIn.failNext(3, 'Throttled', { action: 'Publish' });
    const result = await provider().send({ to: '+14155550123', body: 'x', smsType: 'Promotional' });
    expect(result).toMatchObject({ ok: false, code: 'throttled', retryable: true, outcomeUnknown: false });
    expect(standIn.requests.filter((r) => r.action === 'Publish')).toHaveLength(3);
  });

  it('a hung Publish times out once, is not retried, and is reported as outcome unknown', async () => {
    standIn.failNext(1, 'hang', { action: 'Publish' });
    const result = await provider({ requestTimeoutMs: 300 }).send({ to: '+14155550123', body: 'x', smsType: 'Promotional' });
    expect(result).toMatchObject({ ok: false, code: 'no_response', retryable: false, outcomeUnknown: true });
    expect(standIn.requests.filter((r) => r.action === 'Publish')).toHaveLength(1);
  });

  it('wrong credentials give a clear message naming the key, never the secret', async () => {
    const wrongSecret = provider({ secretAccessKey: 'x'.repeat(40) });
    const result = await wrongSecret.send({ to: '+14155550123', body: 'x', smsType: 'Promotional' });
    expect(result).toMatchObject({ ok: false, code: 'credentials_rejected', retryable: false });
    expect(!result.ok && result.message).toContain(`ending ${standIn.accessKeyId.slice(-4)}`);
    expect(!result.ok && result.message).toContain('secret access key does not match');
    await expect(provider({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00' }).connect()).rejects.toThrow(/access key id is unknown/);
    standIn.failNext(1, 'AuthorizationError');
    await expect(provider().connect()).rejects.toThrow(/not allowed to do this in SNS/);
    expect(standIn.store.published.every((m) => m.message !== 'x' || true)).toBe(true);
  });

  it('opt-out list: check, pagination of 100 with lowercase nextToken', async () => {
    standIn.store.optedOut.clear();
    for (let i = 0; i < 250; i++) standIn.store.optedOut.add(`+1415555${String(i).padStart(4, '0')}`);
    const p = provider();
    expect(await p.isOptedOut('+14155550007')).toBe(true);
    expect(await p.isOptedOut('+14155559999')).toBe(false);
    const list = await p.listOptedOut();
    expect(list).toHaveLength(250);
    expect(new Set(list).size).toBe(250);
    const pages = standIn.requests.filter((r) => r.action === 'ListPhoneNumbersOptedOut');
    expect(pages).toHaveLength(3);
    expect(pages[1]!.params.nextToken).toBeTruthy();
    standIn.store.optedOut.clear();
  });

  it('opt-in is allowed once per 30 days per number', async () => {
    const p = provider();
    standIn.store.optedOut.add('+14155550321');
    await p.optIn('+14155550321');
    expect(standIn.store.optedOut.has('+14155550321')).toBe(false);
    standIn.store.optedOut.add('+14155550321');
    now = new Date(now.getTime() + 29 * 24 * 3600 * 1000);
    await expect(p.optIn('+14155550321')).rejects.toThrow(/once every 30 days/);
    expect(standIn.store.optedOut.has('+14155550321')).toBe(true);
    now = new Date(now.getTime() + 2 * 24 * 3600 * 1000);
    await p.optIn('+14155550321');
    expect(standIn.store.optedOut.has('+14155550321')).toBe(false);
  });

  it('SMS sandbox: only verified numbers receive messages', async () => {
    const p = provider();
    standIn.store.inSandbox = true;
    expect(await p.send({ to: '+14155550777', body: 'x', smsType: 'Promotional' })).toMatchObject({ ok: false, code: 'invalid_parameter', message: expect.stringContaining('sandbox') });
    await p.addSandboxNumber('+14155550777');
    await expect(p.verifySandboxNumber('+14155550777', '000000')).rejects.toThrow(/one-time password/);
    await p.verifySandboxNumber('+14155550777', standIn.store.sandboxNumbers.get('+14155550777')!.otp);
    expect((await p.send({ to: '+14155550777', body: 'x', smsType: 'Promotional' })).ok).toBe(true);
    standIn.store.inSandbox = false;
  });

  it('Get/SetSMSAttributes round-trip on the wire', async () => {
    const { SetSMSAttributesCommand, GetSMSAttributesCommand, SNSClient } = await import('@aws-sdk/client-sns');
    const client = new SNSClient({ region: 'us-east-1', endpoint: standIn.endpoint, credentials: { accessKeyId: standIn.accessKeyId, secretAccessKey: standIn.secretAccessKey } });
    await client.send(new SetSMSAttributesCommand({ attributes: { MonthlySpendLimit: '75', DefaultSMSType: 'Transactional' } }));
    const got = await client.send(new GetSMSAttributesCommand({}));
    expect(got.attributes).toMatchObject({ MonthlySpendLimit: '75', DefaultSMSType: 'Transactional' });
    await expect(client.send(new SetSMSAttributesCommand({ attributes: { MonthlySpendLimit: 'lots' } }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    client.destroy();
    standIn.store.attributes.set('DefaultSMSType', 'Promotional');
  });
});

describe('signed notifications', () => {
  let sink: Server;
  let sinkUrl: string;
  const received: string[] = [];
  beforeAll(async () => {
    sink = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/webhooks/sns`;
  });
  afterAll(() => new Promise<void>((r) => sink.close(() => r())));
  const options = () => ({ certificateHosts: [standIn.certHost] });

  it('inbound messages and delivery events verify and parse', async () => {
    const inbound = await standIn.inbound({ url: sinkUrl, from: '+14155550123', to: '+18445550100', body: ' stop ' });
    const parsed = await parseSnsNotification(received.at(-1)!, options());
    expect(parsed).toMatchObject({ kind: 'inbound', topicArn: standIn.topicArn(), message: { providerMessageId: inbound.message.inboundMessageId, from: '+14155550123', to: '+18445550100', body: ' stop ', keyword: 'STOP' } });
    expect(standIn.store.optedOut.has('+14155550123')).toBe(true); // AWS opts the number out itself
    standIn.store.optedOut.clear();

    await standIn.deliveryEvent({ url: sinkUrl, messageId: 'm-1', eventType: 'TEXT_DELIVERED', totalMessageParts: 2, totalMessagePrice: 0.01162 });
    expect(await parseSnsNotification(received.at(-1)!, options())).toMatchObject({
      kind: 'delivery',
      event: { providerMessageId: 'm-1', eventType: 'TEXT_DELIVERED', status: 'delivered', isFinal: true, parts: 2, priceMicros: 11620n },
    });
  });

  it('subscription confirmation fetches the SubscribeURL on the allowed host', async () => {
    const { subscription } = await standIn.subscribe(sinkUrl);
    const parsed = await parseSnsNotification(received.at(-1)!, options());
    expect(parsed.kind).toBe('subscription_confirmation');
    if (parsed.kind === 'subscription_confirmation') await parsed.confirm();
    expect(subscription.confirmed).toBe(true);
  });

  it('refuses tampered, forged, unsigned and wrong-host messages', async () => {
    const good = standIn.envelope(standIn.topicArn(), JSON.stringify({ eventType: 'TEXT_DELIVERED' }));
    await expect(parseSnsNotification(JSON.stringify({ ...good, Message: '{"eventType":"TEXT_SPAM"}' }), options())).rejects.toThrow(SmsNotificationRejected);
    const { Signature: _s, ...unsigned } = good;
    await expect(parseSnsNotification(JSON.stringify(unsigned), options())).rejects.toThrow(/missing required keys/);
    // Signed with another key, certificate URL still the stand-in's.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sign = createSign('RSA-SHA256');
    sign.update(stringToSign(good));
    const forged = { ...good, Signature: sign.sign(privateKey, 'base64') };
    await expect(parseSnsNotification(JSON.stringify(forged), options())).rejects.toThrow(/signature is invalid/);
    // A certificate host that is not configured.
    await expect(parseSnsNotification(JSON.stringify(good), { certificateHosts: ['sns.us-east-1.amazonaws.com'] })).rejects.toThrow(/invalid domain/);
    await expect(parseSnsNotification('not json', options())).rejects.toThrow(SmsNotificationRejected);
    await expect(parseSnsNotification(JSON.stringify(good), options())).resolves.toMatchObject({ kind: 'ignored' });
  });
});
