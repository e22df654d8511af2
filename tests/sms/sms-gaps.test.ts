// SMS gaps of issue 10: a final delivery event that arrives before its message's provider id is
// stored is kept and applied once the id lands (never lost, applied once); the HELP auto-reply is a
// durable job, retried when the provider says it did not send, and never sent twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOutcomes } from '../../server/campaigns/send-campaign-messages';
import { applyDeliveryEvent } from '../../server/sms/apply-delivery-event';
import { applyPendingDeliveryEvents } from '../../server/sms/apply-pending-delivery-events';
import { handleInboundSms } from '../../server/sms/handle-inbound-sms';
import { sendDueHelpReplies } from '../../server/sms/send-help-replies';
import type { DeliveryEvent, InboundSms } from '../../server/sms/sms-provider';
import { databaseTargets } from '../helpers/databases';
import { startSmsStandIn } from '../helpers/sms';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { connectSmsChannel, RecordingProvider, US_DAYTIME } from '../campaigns/campaign-helpers';

describe.each(databaseTargets)('sms gaps on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let standIn: SnsStandIn;
  const db = () => t.app.services.db;

  beforeAll(async () => {
    const sms = await startSmsStandIn();
    standIn = sms.standIn;
    t = await startTestApp(target, { sms: sms.sms });
    t.clock.set(US_DAYTIME);
    a = await seedTenant(t.app, `smsgaps${target.name}`);
    await connectSmsChannel(t.app, a.organizationId, standIn);
  });
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  const delivered = (providerMessageId: string, eventType = 'TEXT_DELIVERED'): DeliveryEvent => ({
    providerMessageId,
    eventType,
    status: eventType === 'TEXT_DELIVERED' ? 'delivered' : 'failed',
    isFinal: true,
    to: '+14155550700',
    country: 'US',
    parts: 1,
    priceMicros: 6450n,
    occurredAt: t.clock.now(),
  });

  it('a final event that arrives before the message id is stored is kept, then applied once the id lands, once', async () => {
    const campaign = await db().prisma.campaign.create({ data: { organizationId: a.organizationId, ownerUserId: a.people.owner.userId, name: 'Early events', status: 'sending', body: 'Hi' } });
    // In flight: marked sending, the provider has answered, the outcome not recorded yet.
    const message = await db().prisma.campaignMessage.create({ data: { organizationId: a.organizationId, campaignId: campaign.id, phone: '+14155550700', parts: 1, status: 'sending', sendingAt: t.clock.now() } });
    expect(await applyDeliveryEvent(db(), a.organizationId, delivered('pm-early'), t.clock.now())).toBe('kept_until_message_known');
    // SNS delivers again: still one kept event.
    expect(await applyDeliveryEvent(db(), a.organizationId, delivered('pm-early'), t.clock.now())).toBe('kept_until_message_known');
    expect(await db().prisma.smsPendingDeliveryEvent.count({ where: { organizationId: a.organizationId, providerMessageId: 'pm-early' } })).toBe(1);
    expect(await applyPendingDeliveryEvents(db(), t.clock)).toEqual({ applied: 0, expired: 0 });

    // The id lands.
    await recordOutcomes(db(), a.organizationId, campaign.id, [{ id: message.id, status: 'sent', providerMessageId: 'pm-early', error: null, notBefore: null }], t.clock.now());
    const runs = await Promise.all([applyPendingDeliveryEvents(db(), t.clock), applyPendingDeliveryEvents(db(), t.clock)]);
    expect(runs.reduce((n, r) => n + r.applied, 0)).toBe(1);
    const row = await db().prisma.campaignMessage.findFirstOrThrow({ where: { id: message.id } });
    expect(row).toMatchObject({ status: 'delivered', actualParts: 1, actualCostMicros: 6450n });
    expect((await db().prisma.campaign.findFirstOrThrow({ where: { id: campaign.id } })).actualCostMicros).toBe(6450n);
    expect(await applyPendingDeliveryEvents(db(), t.clock)).toEqual({ applied: 0, expired: 0 });
    expect((await db().prisma.campaign.findFirstOrThrow({ where: { id: campaign.id } })).actualCostMicros).toBe(6450n);
    // A later event for a known message is applied (or ignored) at once, never kept.
    expect(await applyDeliveryEvent(db(), a.organizationId, delivered('pm-early', 'TEXT_CARRIER_UNREACHABLE'), t.clock.now())).toBe('ignored_already_final_or_unknown_message');

    // An event whose message never shows up is dropped after 72 h.
    await applyDeliveryEvent(db(), a.organizationId, delivered('pm-never'), t.clock.now());
    t.clock.advance(73 * 3600_000);
    expect(await applyPendingDeliveryEvents(db(), t.clock)).toEqual({ applied: 0, expired: 1 });
    t.clock.set(US_DAYTIME);
  });

  const help = (id: string, from: string): InboundSms => ({ providerMessageId: id, from, to: '+18445550100', body: ' Help ', keyword: 'HELP', receivedAt: t.clock.now() });

  it('a HELP reply the provider refused for now (throttled) is retried by the job and sent once', async () => {
    const provider = new RecordingProvider();
    provider.failNext('Throttled', 1);
    const deps = { db: db(), clock: t.clock, provider: async () => provider };
    const first = await handleInboundSms(deps, a.organizationId, help('in-help-1', '+14155550801'));
    expect(first).toMatchObject({ duplicate: false, action: 'help', detail: expect.stringMatching(/retried/) });
    expect(provider.countFor('+14155550801')).toBe(0);
    // SNS redelivers the notification: nothing more is queued or sent.
    expect(await handleInboundSms(deps, a.organizationId, help('in-help-1', '+14155550801'))).toEqual({ duplicate: true });
    expect(await db().prisma.smsHelpReply.count({ where: { organizationId: a.organizationId, inboundMessageId: 'in-help-1' } })).toBe(1);

    // Not before its backoff…
    expect(await sendDueHelpReplies({ db: db(), clock: t.clock, provider: async () => provider })).toEqual({ sent: 0, retried: 0, failed: 0, unknown: 0 });
    t.clock.advance(60_000);
    // …then once, whatever the number of processes running the job.
    const runs = await Promise.all([1, 2, 3].map(() => sendDueHelpReplies({ db: db(), clock: t.clock, provider: async () => provider })));
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(provider.countFor('+14155550801')).toBe(1);
    expect(provider.published[0]).toMatchObject({ originationNumber: '+18445550100', smsType: 'Transactional' });
    expect(provider.published[0]!.body).toMatch(/Msg & data rates may apply/);
    t.clock.advance(3600_000);
    await sendDueHelpReplies({ db: db(), clock: t.clock, provider: async () => provider });
    expect(provider.countFor('+14155550801')).toBe(1);
    expect(await db().prisma.smsHelpReply.findFirstOrThrow({ where: { organizationId: a.organizationId, inboundMessageId: 'in-help-1' } })).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a HELP reply with no answer (timeout) or left sending by a crash is never sent again; a hard refusal is not retried', async () => {
    const provider = new RecordingProvider();
    provider.failNext('timeout', 1, '+14155550802');
    provider.failNext('InvalidParameter', 1, '+14155550803');
    const deps = { db: db(), clock: t.clock, provider: async () => provider };
    await handleInboundSms(deps, a.organizationId, help('in-help-2', '+14155550802'));
    await handleInboundSms(deps, a.organizationId, help('in-help-3', '+14155550803'));
    // A process died after claiming this one.
    await handleInboundSms({ ...deps, provider: async () => null }, a.organizationId, help('in-help-4', '+14155550804'));
    await db().query(`update sms_help_replies set status = 'sending', sending_at = $2 where organization_id = $1 and inbound_message_id = 'in-help-4'`, [a.organizationId, t.clock.now()]);
    for (let i = 0; i < 5; i++) {
      t.clock.advance(20 * 60_000);
      await sendDueHelpReplies({ db: db(), clock: t.clock, provider: async () => provider });
    }
    const rows = await db().prisma.smsHelpReply.findMany({ where: { organizationId: a.organizationId, inboundMessageId: { in: ['in-help-2', 'in-help-3', 'in-help-4'] } }, orderBy: { inboundMessageId: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['unknown', 'failed', 'unknown']);
    expect(provider.countFor('+14155550802')).toBe(1);
    expect(provider.countFor('+14155550803')).toBe(0);
    expect(provider.countFor('+14155550804')).toBe(0);
  });
});
