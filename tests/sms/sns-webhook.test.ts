// POST /webhooks/sns over real HTTP with signed deliveries from the SNS stand-in: subscription
// confirmation, every opt-out keyword in any case and with spaces, START once per 30 days, HELP,
// free-text revocations flagged, idempotency on redelivery, delivery events in any order with the
// cost added once; forged, unsigned, wrong-host and wrong-topic deliveries refused with nothing written.
import { createSign, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../server/http/create-http-server';
import { setLogSink } from '../../server/logging/log-error';
import { syncOptOuts } from '../../server/sms/sync-opt-outs';
import { smsProviderFor } from '../../server/sms/sms-provider-for-organization';
import { OPT_OUT_KEYWORDS } from '../../server/sms/sms-keywords';
import { createPostgresDatabase } from '../helpers/databases';
import { connectOrganizationToStandIn, startSmsStandIn } from '../helpers/sms';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { stringToSign } from '../stand-ins/sns/notifications';
import type { SnsStandIn } from '../stand-ins/sns/server';

let t: TestApp;
let standIn: SnsStandIn;
let acme: Tenant;
let globex: Tenant;
let url: string;
let http: Awaited<ReturnType<typeof createHttpServer>>;
const ACME_TOPIC = 'arn:aws:sns:us-east-1:123456789012:acme-sms';
const GLOBEX_TOPIC = 'arn:aws:sns:us-east-1:123456789012:globex-sms';
let phoneSeq = 1000;
const nextPhone = () => `+1415555${String(phoneSeq++).padStart(4, '0')}`;

beforeAll(async () => {
  const started = await startSmsStandIn();
  standIn = started.standIn;
  t = await startTestApp({ name: 'postgres', create: createPostgresDatabase }, { sms: started.sms });
  acme = await seedTenant(t.app, 'acme');
  globex = await seedTenant(t.app, 'globex');
  await connectOrganizationToStandIn(t.app, acme.organizationId, standIn, { topicArn: ACME_TOPIC, helpText: 'Acme Fitness: help at help@acme.test. Msg & data rates may apply. Reply STOP to opt out.' });
  await connectOrganizationToStandIn(t.app, globex.organizationId, standIn, { topicArn: GLOBEX_TOPIC });
  http = await createHttpServer({ app: t.app, port: 0, launchToken: 'test-launch-token' });
  url = `http://127.0.0.1:${(http.server.server.address() as AddressInfo).port}/webhooks/sns`;
});
afterAll(async () => {
  await http?.server.close();
  await t?.close();
  await standIn?.close();
});

async function contact(tenant: Tenant, phone: string) {
  return t.app.services.db.prisma.contact.create({ data: { organizationId: tenant.organizationId, ownerUserId: tenant.people.admin.userId, name: `Contact ${phone}`, phone, country: 'US', consentSms: true, consentSource: 'import', consentAt: new Date() } });
}
const prisma = () => t.app.services.db.prisma;
const events = (orgId: string, phone: string) => prisma().contactConsentEvent.findMany({ where: { organizationId: orgId, phone }, orderBy: { occurredAt: 'asc' } });

describe('subscription', () => {
  it('confirms a subscription to a configured topic by fetching the SubscribeURL', async () => {
    const { subscription, delivery } = await standIn.subscribe(url, ACME_TOPIC);
    expect(delivery.status).toBe(200);
    expect(subscription.confirmed).toBe(true);
  });

  it('refuses a subscription to a topic no organization configured', async () => {
    const { subscription, delivery } = await standIn.subscribe(url, 'arn:aws:sns:us-east-1:123456789012:someone-else');
    expect(delivery.status).toBe(403);
    expect(subscription.confirmed).toBe(false);
  });
});

describe('inbound keywords', () => {
  const variants = OPT_OUT_KEYWORDS.flatMap((k) => [k, `  ${k.toLowerCase()}  `, k[0] + k.slice(1).toLowerCase(), `${k}.`]);

  it.each(variants)('"%s" opts the number out, recorded with source keyword', async (body) => {
    const phone = nextPhone();
    const c = await contact(acme, phone);
    const answer = await standIn.inbound({ url, topicArn: ACME_TOPIC, from: phone, to: '+18445550100', body });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ received: true, duplicate: false, action: 'opt_out' });
    expect(await prisma().contact.findUniqueOrThrow({ where: { organizationId_id: { organizationId: acme.organizationId, id: c.id } } })).toMatchObject({ optOutSms: true });
    expect(await prisma().smsOptOut.findUnique({ where: { organizationId_phone: { organizationId: acme.organizationId, phone } } })).toMatchObject({ source: 'keyword' });
    expect(await events(acme.organizationId, phone)).toEqual([expect.objectContaining({ change: 'opted_out', source: 'keyword', contactId: c.id })]);
  });

  it('a redelivered notification changes nothing', async () => {
    const phone = nextPhone();
    await contact(acme, phone);
    const first = await standIn.inbound({ url, topicArn: ACME_TOPIC, from: phone, to: '+18445550100', body: 'STOP' });
    const before = await databaseFingerprint(t.app);
    const again = await standIn.post(url, first.envelope);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ duplicate: true });
    expect(await databaseFingerprint(t.app)).toEqual(before);
    expect(await events(acme.organizationId, phone)).toHaveLength(1);
  });

  it('START opts back in through the provider, once per 30 days', async () => {
    const phone = nextPhone();
    await contact(acme, phone);
    await standIn.inbound({ url, topicArn: ACME_TOPIC, from: phone, to: '+18445550100', body: 'stop' });
    expect(standIn.store.optedOut.has(phone)).toBe(true);
    const start = await standIn.inbound({ url, topicArn: ACME_TOPIC, from: phone, to: '+18445550100', body: ' Start ' });
    expect(JSON.parse(start.body)).toMatchObject({ action: 'opt_in' });
    expect(standIn.store.optedOut.has(phone)).toBe(false);
    expect(await prisma().contact.findFirstOrThrow({ where: { organizationId: acme.organizationId, phone } })).toMatchObject({ optOutSms: false, consentSms: true, consentSource: 'keyword' });
    expect(await prisma().smsOptOut.count({ where: { organizationId: acme.organizationId, phone } })).toBe(0);

    // Ten days later: STOP again, then UNSTOP is refused with a clear status (AWS allows one opt-in per 30 days).
    t.clock.advance(10 * 24 * 3600 * 1000);
    await standIn.inbound({ url, topicArn: ACME_TOPIC, from: phone, to: '+18445550100', body: 'STOP' });
    const refused = await standIn.inbound({ url, topicArn: ACME_TOPIC, from: phone, to: '+18445550100', body: 'unstop' });
    expect(JSON.parse(refused.body)).toMatchObject({ action: 'opt_in_refused', detail: expect.stringContaining('one opt-in per number every 30 days') });
    expect(await prisma().contact.findFirstOrThrow({ where: { organizationId: acme.organizationId, phone } })).toMatchObject({ optOutSms: true });
    expect(standIn.succeeded('OptInPhoneNumber').filter((r) => r.params.phoneNumber === phone)).toHaveLength(1);
    expect(await prisma().smsInboundMessage.findFirstOrThrow({ where: { organizationId: acme.organizationId, fromPhone: phone, action: 'opt_in_refused' } })).toBeTruthy();
    expect((await events(acme.organizationId, phone)).map((e) => `${e.change}/${e.source}`)).toEqual(['opted_out/keyword', 'opted_in/keyword', 'opted_out/keyword']);
  });

  it('HELP answers with the organization help text from the number texted', async () => {
    const phone = nextPhone();
    const answer = await standIn.inbound({ url, topicArn: ACME_TOPIC, from: phone, to: '+18445550100', body: 'help ' });
    expect(JSON.parse(answer.body)).toMatchObject({ action: 'help' });
    const reply = standIn.store.published.filter((m) => m.phoneNumber === phone);
    expect(reply).toHaveLength(1);
    expect(reply[0]!.message).toContain('Msg & data rates may apply');
    expect(reply[0]!.message).toContain('Acme Fitness');
    expect(reply[0]!.attributes['AWS.MM.SMS.OriginationNumber']?.value).toBe('+18445550100');
  });

  it('free text that reads like a revocation is flagged for review, not acted on', async () => {
    for (const body of ['please stop texting me', "Don't text me again", 'take me off your list']) {
      const phone = nextPhone();
      await contact(acme, phone);
      const answer = await standIn.inbound({ url, topicArn: ACME_TOPIC, from: phone, to: '+18445550100', body });
      expect(JSON.parse(answer.body)).toMatchObject({ action: 'revocation_review' });
      expect(await prisma().contact.findFirstOrThrow({ where: { organizationId: acme.organizationId, phone } })).toMatchObject({ optOutSms: false });
    }
    const neutral = await standIn.inbound({ url, topicArn: ACME_TOPIC, from: nextPhone(), to: '+18445550100', body: 'See you Tuesday!' });
    expect(JSON.parse(neutral.body)).toMatchObject({ action: 'none' });
  });

  it('a topic belongs to one organization: an inbound STOP on Globex topic never touches Acme', async () => {
    const phone = nextPhone();
    const acmeContact = await contact(acme, phone);
    await standIn.inbound({ url, topicArn: GLOBEX_TOPIC, from: phone, to: '+18445550100', body: 'STOP' });
    expect(await prisma().contact.findUniqueOrThrow({ where: { organizationId_id: { organizationId: acme.organizationId, id: acmeContact.id } } })).toMatchObject({ optOutSms: false });
    expect(await prisma().smsOptOut.count({ where: { organizationId: globex.organizationId, phone } })).toBe(1);
  });
});

describe('refused deliveries change nothing', () => {
  it('forged signature, unsigned, wrong certificate host, wrong topic, garbage', async () => {
    const restore = setLogSink(() => {});
    try {
      const phone = nextPhone();
      await contact(acme, phone);
      const inbound = JSON.stringify({ originationNumber: phone, destinationNumber: '+18445550100', messageKeyword: 'STOP', messageBody: 'STOP', inboundMessageId: 'forged-1' });
      const good = standIn.envelope(ACME_TOPIC, inbound);
      const before = await databaseFingerprint(t.app);

      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const sign = createSign('RSA-SHA256');
      sign.update(stringToSign(good));
      expect((await standIn.post(url, { ...good, Signature: sign.sign(privateKey, 'base64') })).status).toBe(403);
      const { Signature: _drop, ...unsigned } = good;
      expect((await standIn.post(url, unsigned)).status).toBe(403);
      expect((await standIn.post(url, { ...good, SigningCertURL: good.SigningCertURL.replace('127.0.0.1', 'localhost') })).status).toBe(403);
      expect((await standIn.post(url, { ...good, Message: inbound.replace('forged-1', 'forged-2') })).status).toBe(403);
      expect((await standIn.post(url, standIn.envelope('arn:aws:sns:us-east-1:123456789012:not-ours', inbound))).status).toBe(403);
      expect((await standIn.post(url, {}, 'not json at all')).status).toBe(400);
      expect((await standIn.post(url, {}, JSON.stringify({ a: { b: { c: [1, 2, 3] } } }))).status).toBe(403);
      expect((await standIn.post(url, {}, 'x'.repeat(600 * 1024))).status).toBe(413);

      expect(await databaseFingerprint(t.app)).toEqual(before);
      // The genuine one is accepted.
      expect((await standIn.post(url, good)).status).toBe(200);
    } finally {
      restore();
    }
  });
});

describe('delivery events', () => {
  async function sentMessage(providerMessageId: string) {
    const campaign = await prisma().campaign.create({ data: { organizationId: acme.organizationId, ownerUserId: acme.people.admin.userId, name: 'Launch', status: 'sending', body: 'Hi' } });
    const message = await prisma().campaignMessage.create({
      data: { organizationId: acme.organizationId, campaignId: campaign.id, phone: nextPhone(), parts: 1, status: 'sent', providerMessageId, sentAt: new Date() },
    });
    return { campaign, message };
  }
  const read = async (m: { campaignId: string; id: string }) => ({
    message: await prisma().campaignMessage.findUniqueOrThrow({ where: { organizationId_campaignId_id: { organizationId: acme.organizationId, campaignId: m.campaignId, id: m.id } } }),
    campaign: await prisma().campaign.findUniqueOrThrow({ where: { organizationId_id: { organizationId: acme.organizationId, id: m.campaignId } } }),
  });

  it('final delivered sets parts, price and delivered_at; cost added once; redelivery and late non-final change nothing', async () => {
    const { message } = await sentMessage('pm-1');
    const delivered = await standIn.deliveryEvent({ url, topicArn: ACME_TOPIC, messageId: 'pm-1', eventType: 'TEXT_DELIVERED', totalMessageParts: 2, totalMessagePrice: 0.01162 });
    expect(JSON.parse(delivered.body)).toMatchObject({ outcome: 'applied' });
    let now = await read(message);
    expect(now.message).toMatchObject({ status: 'delivered', actualParts: 2, actualCostMicros: 11620n });
    expect(now.message.deliveredAt).toBeInstanceOf(Date);
    expect(now.campaign.actualCostMicros).toBe(11620n);

    await standIn.post(url, delivered.envelope);
    await standIn.deliveryEvent({ url, topicArn: ACME_TOPIC, messageId: 'pm-1', eventType: 'TEXT_PENDING', isFinal: false });
    await standIn.deliveryEvent({ url, topicArn: ACME_TOPIC, messageId: 'pm-1', eventType: 'TEXT_CARRIER_UNREACHABLE', totalMessagePrice: 0.02 });
    now = await read(message);
    expect(now.message).toMatchObject({ status: 'delivered', actualCostMicros: 11620n });
    expect(now.campaign.actualCostMicros).toBe(11620n);
  });

  it('out of order: a non-final event after sending does not regress, the final one wins; failures keep the event type', async () => {
    const { message } = await sentMessage('pm-2');
    await standIn.deliveryEvent({ url, topicArn: ACME_TOPIC, messageId: 'pm-2', eventType: 'TEXT_QUEUED' });
    expect((await read(message)).message.status).toBe('sent');
    await standIn.deliveryEvent({ url, topicArn: ACME_TOPIC, messageId: 'pm-2', eventType: 'TEXT_CARRIER_BLOCKED', totalMessagePrice: 0.00581 });
    await standIn.deliveryEvent({ url, topicArn: ACME_TOPIC, messageId: 'pm-2', eventType: 'TEXT_PENDING', isFinal: false });
    const now = await read(message);
    expect(now.message).toMatchObject({ status: 'failed', error: 'TEXT_CARRIER_BLOCKED', actualCostMicros: 5810n });
    expect(now.campaign.actualCostMicros).toBe(5810n);
  });

  it('concurrent duplicate final events add the cost exactly once', async () => {
    const { message } = await sentMessage('pm-3');
    const env = standIn.envelope(ACME_TOPIC, JSON.stringify({ eventType: 'TEXT_DELIVERED', eventVersion: '1.0', eventTimestamp: Date.now(), isFinal: true, destinationPhoneNumber: '+14155550000', isoCountryCode: 'US', messageId: 'pm-3', totalMessageParts: 1, totalMessagePrice: 0.00645 }));
    const answers = await Promise.all(Array.from({ length: 8 }, () => standIn.post(url, env)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect((await read(message)).campaign.actualCostMicros).toBe(6450n);
  });

  it('an event for another organization message id is not applied across tenants', async () => {
    const { message } = await sentMessage('pm-4');
    await standIn.deliveryEvent({ url, topicArn: GLOBEX_TOPIC, messageId: 'pm-4', eventType: 'TEXT_DELIVERED' });
    expect((await read(message)).message.status).toBe('sent');
  });
});

describe('opt-out sync', () => {
  it('copies every page of the provider list into sms_opt_outs and contacts, once', async () => {
    standIn.store.optedOut.clear();
    const phones = Array.from({ length: 230 }, () => nextPhone());
    phones.forEach((p) => standIn.store.optedOut.add(p));
    const withContact = await contact(acme, phones[150]!);
    const provider = await smsProviderFor(t.app.services, acme.organizationId);
    const first = await syncOptOuts(t.app.services.db, provider, acme.organizationId, t.clock);
    expect(first).toMatchObject({ listed: 230, changed: 230 });
    expect(await prisma().smsOptOut.count({ where: { organizationId: acme.organizationId, phone: { in: phones }, source: 'provider_sync' } })).toBe(230);
    expect(await prisma().contact.findUniqueOrThrow({ where: { organizationId_id: { organizationId: acme.organizationId, id: withContact.id } } })).toMatchObject({ optOutSms: true });
    expect(await events(acme.organizationId, phones[150]!)).toEqual([expect.objectContaining({ change: 'opted_out', source: 'provider_sync', contactId: withContact.id })]);
    // Concurrent runs add nothing more.
    const again = await Promise.all([1, 2, 3].map(() => syncOptOuts(t.app.services.db, provider, acme.organizationId, t.clock)));
    expect(again.map((r) => r.changed)).toEqual([0, 0, 0]);
    expect(await prisma().contactConsentEvent.count({ where: { organizationId: acme.organizationId, phone: { in: phones } } })).toBe(230);
    expect(await prisma().smsOptOut.count({ where: { organizationId: globex.organizationId, phone: { in: phones } } })).toBe(0);
    provider.destroy();
    standIn.store.optedOut.clear();
  });
});
