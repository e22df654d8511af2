// Outcomes of sends on the dashboards and the SMS webhook events, from the code paths that change a
// message: the sender (accepted / refused at send time), a delivery event (delivered / undelivered),
// an opt-out. The success rate per scope comes from usage_outcome_rollups (kept by a trigger in the
// same statement), never from the ledger; the SMS events reach a receiver signed with the documented
// recipe, each once.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeliveryEvent } from '../../server/sms/apply-delivery-event';
import { recordOptOuts } from '../../server/sms/record-consent-change';
import { deliverDueWebhooks } from '../../server/webhooks/deliver-webhooks';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';
import { startSmsStandIn } from '../helpers/sms';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { connectSmsChannel, RecordingProvider, seedContacts, sendUntilIdle, US_DAYTIME } from '../campaigns/campaign-helpers';

/** The README's verification recipe, as a receiver writes it. */
function receiverVerifies(secret: string, rawBody: string, header: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${rawBody}`).digest('hex');
  return Math.abs(nowSeconds - Number(parts.t)) <= 300 && expected.length === parts.v1!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1!));
}

describe.each(databaseTargets)('send outcomes and SMS webhook events on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let receiver: WebhookReceiver;
  let standIn: SnsStandIn;
  let secret: string;
  const provider = new RecordingProvider();
  let phones: string[];
  let campaignId: string;

  beforeAll(async () => {
    const sms = await startSmsStandIn();
    standIn = sms.standIn;
    t = await startTestApp(target, { sms: sms.sms });
    t.clock.set(US_DAYTIME);
    a = await seedTenant(t.app, `outc${target.name}`);
    receiver = await startWebhookReceiver();
    // Connected to the SNS stand-in (launch checks its opt-out list); sends go through a recording provider.
    await connectSmsChannel(t.app, a.organizationId, standIn);
    // The teammate (a member of Sales) sends to six of their own contacts.
    phones = await seedContacts(t.app, a.organizationId, a.people.teammate.userId, 6, { tags: ['teammates'] });
    const owner = await t.app.createCaller(a.people.owner.carrier);
    await owner.webhooks.setSettings({ allowPrivateTargets: true }); // the receiver is on loopback
    const endpoint = await owner.webhooks.create({ url: receiver.url, events: ['sms.campaign.completed', 'sms.delivery_failed', 'sms.opt_out'], description: 'SMS events' });
    secret = endpoint.secret;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
    await standIn?.close();
  });

  const overview = async (scope: 'organization' | 'team' | 'user', id?: string) => {
    const api = await t.app.createCaller(a.people.owner.carrier);
    const o = await api.usage.overview({ scope, id });
    return o.metrics.find((m) => m.metric === 'sms_sent')!;
  };

  it('counts sends accepted, refused at send time and reported undelivered, per organization, team and person', async () => {
    const { api } = await t.client(a.people.teammate.carrier);
    const created = await api.campaigns.create({ name: 'Outcomes', body: 'Hello from Sales', smsType: 'Transactional', includeTags: ['teammates'] });
    campaignId = created.id;
    await api.campaigns.launch({ campaignId });
    provider.failNext('InvalidParameter', 1, phones[0]);
    await sendUntilIdle(t, provider);
    const messages = await t.app.services.db.query<{ phone: string; status: string; provider_message_id: string | null }>(
      'select phone, status, provider_message_id from campaign_messages where organization_id = $1 and campaign_id = $2 order by phone',
      [a.organizationId, campaignId],
    );
    expect(messages.map((m) => m.status)).toEqual(['failed', 'sent', 'sent', 'sent', 'sent', 'sent']);
    expect((await overview('organization')).outcomes).toEqual({ succeeded: 5, failed: 1 });

    // Delivery events: one undelivered, one delivered (already counted as accepted), the undelivered one redelivered.
    const event = (m: (typeof messages)[number], status: 'delivered' | 'failed') => ({
      providerMessageId: m.provider_message_id!,
      eventType: status === 'delivered' ? 'TEXT_DELIVERED' : 'TEXT_CARRIER_UNREACHABLE',
      status,
      isFinal: true,
      to: m.phone,
      country: 'US',
      parts: 1,
      priceMicros: 5810n,
      occurredAt: t.clock.now(),
    });
    expect(await applyDeliveryEvent(t.app.services.db, a.organizationId, event(messages[1]!, 'failed'), t.clock.now())).toBe('applied');
    expect(await applyDeliveryEvent(t.app.services.db, a.organizationId, event(messages[2]!, 'delivered'), t.clock.now())).toBe('applied');
    expect(await applyDeliveryEvent(t.app.services.db, a.organizationId, event(messages[1]!, 'failed'), t.clock.now())).not.toBe('applied');

    for (const [scope, id] of [
      ['organization', undefined],
      ['team', a.managedTeamId],
      ['user', a.people.teammate.userId],
    ] as const) {
      const m = await overview(scope, id);
      expect(m.outcomes, scope).toEqual({ succeeded: 4, failed: 2 });
      expect(m.successRate, scope).toBeCloseTo(4 / 6, 6);
      expect(m.used, scope).toBe(5); // usage is what went out, outcomes do not change it
    }
    // Scopes that sent nothing have no rate (not 0 %, not 100 %).
    expect((await overview('team', a.otherTeamId)).successRate).toBeNull();
    expect((await overview('user', a.people.owner.userId)).outcomes).toBeNull();
    // Metrics without outcomes have none.
    const api2 = await t.app.createCaller(a.people.owner.carrier);
    expect((await api2.usage.overview({ scope: 'organization' })).metrics.find((m) => m.metric === 'emails_sent')!.successRate).toBeNull();
  });

  it('delivers sms.delivery_failed, sms.campaign.completed and sms.opt_out once each, signed', async () => {
    await recordOptOuts(t.app.services.db, { organizationId: a.organizationId, phones: [phones[3]!], source: 'keyword', at: t.clock.now(), detail: 'STOP' });
    // The same opt-out again changes nothing, so it emits nothing.
    await recordOptOuts(t.app.services.db, { organizationId: a.organizationId, phones: [phones[3]!], source: 'keyword', at: t.clock.now(), detail: 'STOP' });
    while ((await deliverDueWebhooks({ ...t.app.services, webhookDelivery: { timeoutMs: 2000 } })) > 0);

    const received = receiver.received.map((r) => ({ ...r, payload: JSON.parse(r.body) as { id: string; type: string; organizationId: string; createdAt: string; data: Record<string, unknown> } }));
    const types = received.map((r) => r.payload.type).sort();
    expect(types).toEqual(['sms.campaign.completed', 'sms.delivery_failed', 'sms.delivery_failed', 'sms.opt_out']);
    const now = Math.floor(t.clock.now().getTime() / 1000);
    for (const r of received) {
      expect(receiverVerifies(secret, r.body, r.headers['meterdesk-signature'] as string, now)).toBe(true);
      expect(r.headers['meterdesk-event-type']).toBe(r.payload.type);
      expect(r.headers['meterdesk-event-id']).toBe(r.payload.id);
      expect(r.payload.organizationId).toBe(a.organizationId);
      expect(new Date(r.payload.createdAt).toISOString()).toBe(r.payload.createdAt);
    }
    const failed = received.filter((r) => r.payload.type === 'sms.delivery_failed').map((r) => r.payload.data);
    expect(failed.map((d) => [d.phone, d.stage, d.campaignId]).sort()).toEqual(
      [
        [phones[0], 'send', campaignId],
        [phones[1], 'delivery', campaignId],
      ].sort(),
    );
    expect(failed.find((d) => d.stage === 'delivery')!.error).toBe('TEXT_CARRIER_UNREACHABLE');
    expect(failed.find((d) => d.stage === 'send')!.error).toMatch(/InvalidParameter/);
    const completed = received.find((r) => r.payload.type === 'sms.campaign.completed')!.payload.data;
    expect(completed).toMatchObject({ campaignId, name: 'Outcomes', status: 'completed', ownerUserId: a.people.teammate.userId, teamId: a.managedTeamId, messages: { sent: 5, failed: 1 } });
    const optOut = received.find((r) => r.payload.type === 'sms.opt_out')!.payload.data;
    expect(optOut).toMatchObject({ phone: phones[3], source: 'keyword' });
  });

  it('emits nothing for an organization whose endpoints do not listen, and never for another tenant', async () => {
    const b = await seedTenant(t.app, `outcb${target.name}`);
    const before = await t.app.services.db.query<{ n: string }>('select count(*) as n from webhook_events');
    await recordOptOuts(t.app.services.db, { organizationId: b.organizationId, phones: ['+14155559999'], source: 'keyword', at: t.clock.now() });
    const after = await t.app.services.db.query<{ n: string }>('select count(*) as n from webhook_events');
    expect(after[0]!.n).toBe(before[0]!.n);
    // Tenant A's outcomes are not B's.
    const bOwner = await t.app.createCaller(b.people.owner.carrier);
    expect((await bOwner.usage.overview({ scope: 'organization' })).metrics.find((m) => m.metric === 'sms_sent')!.outcomes).toBeNull();
  });
});
