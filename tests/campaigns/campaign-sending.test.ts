// The sending engine end to end through the procedures: compose, preview, launch under one
// reservation, send at most once, meter each message, release what is left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseReservation } from '../../server/metering/settle-reservation';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { smsProviderFor } from '../../server/sms/sms-provider-for-organization';
import type { SmsProvider } from '../../server/sms/sms-provider';
import { startSmsStandIn } from '../helpers/sms';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { connectSmsChannel, messageCounts, seedContacts, sendUntilIdle, smsCounters, unlimitedSms, US_DAYTIME } from './campaign-helpers';

describe.each(databaseTargets)('campaign sending on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let standIn: SnsStandIn;
  let provider: SmsProvider;
  const published = (campaignBody?: string) => standIn.store.published.filter((p) => !campaignBody || p.message.startsWith(campaignBody));

  beforeAll(async () => {
    const sms = await startSmsStandIn();
    standIn = sms.standIn;
    t = await startTestApp(target, { sms: sms.sms });
    t.clock.set(US_DAYTIME);
    a = await seedTenant(t.app, `camp${target.name}`);
    await connectSmsChannel(t.app, a.organizationId, standIn);
    provider = await smsProviderFor(t.app.services, a.organizationId);
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 30, { tags: ['customers'] });
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 3, { tags: ['customers'], consent: false, start: 100 });
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 2, { tags: ['customers', 'vip'], start: 200 });
    // One contact opted out through the organization's list.
    await t.app.services.db.query(`insert into sms_opt_outs (organization_id, phone, source) values ($1, '+14155550000', 'keyword')`, [a.organizationId]);
  });
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  it('previews, launches under one reservation, sends each recipient once and releases the rest', async () => {
    const { api } = await t.client(a.people.owner.carrier);
    const draft = { name: 'Black Friday', body: 'Sale today: 20% off everything!', smsType: 'Promotional' as const, includeTags: ['customers'], excludeTags: ['vip'] };
    const preview = await api.campaigns.preview(draft);
    expect(preview.counts).toMatchObject({ matched: 33, noConsent: 3, optedOut: 1, eligible: 29, sendNow: 29, heldQuietHours: 0 });
    expect(preview.segments).toMatchObject({ encoding: 'GSM-7', parts: 1 });
    expect(preview.text).toBe('Sale today: 20% off everything!\nReply STOP to opt out');
    expect(preview.totalParts).toBe(29);
    expect(preview.estimatedCostMicros).toBe(29 * 7500);
    expect(preview.byCountry).toEqual([{ country: 'US', recipients: 29, parts: 29, pricePerPartMicros: 7500, costMicros: 29 * 7500 }]);

    const { id } = await api.campaigns.create(draft);
    const launched = await api.campaigns.launch({ campaignId: id });
    expect(launched).toMatchObject({ status: 'sending', totalParts: 29 });
    expect(await smsCounters(t.app, a.organizationId)).toMatchObject({ organization: { used: 0, reserved: 29 } });
    await refused(api.campaigns.launch({ campaignId: id }), 'CONFLICT', /launched once/);

    await sendUntilIdle(t, provider);
    const sent = published('Sale today');
    expect(sent).toHaveLength(29);
    expect(new Set(sent.map((p) => p.phoneNumber)).size).toBe(29);
    expect(sent[0]!.message).toBe('Sale today: 20% off everything!\nReply STOP to opt out');
    expect(sent[0]!.attributes['AWS.SNS.SMS.SMSType']?.value).toBe('Promotional');
    expect(await messageCounts(t.app, id)).toEqual({ sent: 29, skipped_opt_out: 1 });
    const detail = await api.campaigns.get({ campaignId: id });
    expect(detail).toMatchObject({ status: 'completed', progress: 1, estimatedCostMicros: 29 * 7500, actualCostMicros: 29 * 7500 });
    // Metered per message, with cost and attribution; nothing left reserved.
    expect(await smsCounters(t.app, a.organizationId)).toMatchObject({ organization: { used: 29, reserved: 0 }, user: { used: 29, reserved: 0 } });
    const events = await t.app.services.db.query<{ n: string; cost: string; price: string }>(
      `select count(*) as n, sum(cost_micros) as cost, sum(price_micros) as price from usage_events where organization_id = $1 and resource_type = 'campaign' and resource_id = $2 and user_id = $3`,
      [a.organizationId, id, a.people.owner.userId],
    );
    expect(events.map((e) => [Number(e.n), Number(e.cost), Number(e.price)])).toEqual([[29, 29 * 5810, 29 * 7500]]);
    const reservation = await t.app.services.db.prisma.usageReservation.findFirstOrThrow({ where: { organizationId: a.organizationId, id: detail.id ? (await t.app.services.db.prisma.campaign.findFirstOrThrow({ where: { id } })).reservationId! : '' } });
    expect(reservation).toMatchObject({ status: 'committed', committedQuantity: 29n, quantity: 29n });
    const rollup = await t.app.services.db.query<{ quantity: string }>(`select quantity from usage_daily_rollups where organization_id = $1 and scope = 'organization' and metric = 'sms_sent'`, [a.organizationId]);
    expect(Number(rollup[0]?.quantity)).toBe(29);
  });

  it('refuses bad compositions with clear messages and writes nothing', async () => {
    const { api } = await t.client(a.people.member.carrier);
    const before = await databaseFingerprint(t.app);
    await refused(api.campaigns.create({ name: 'x', body: '   ' }), 'BAD_REQUEST', /cannot be empty/);
    await refused(api.campaigns.create({ name: 'x', body: 'a'.repeat(1601) }), 'BAD_REQUEST', /longer than 1600/);
    await refused(api.campaigns.create({ name: 'x\u0000', body: 'hi' }), 'BAD_REQUEST', /control characters/);
    await refused(api.campaigns.preview({ name: 'x', body: 'hi', includeTags: ['custmers'] }), 'BAD_REQUEST', /No contact has the tag “custmers”/);
    expect(await databaseFingerprint(t.app)).toEqual(before);
  });

  it('refuses a campaign with no eligible recipients, holding no quota', async () => {
    const { api } = await t.client(a.people.member.carrier);
    // The member sees only their own contacts (personal address book): none.
    await t.app.services.db.prisma.organization.update({ where: { id: a.organizationId }, data: { contactSharing: 'personal' } });
    const { id } = await api.campaigns.create({ name: 'Nobody', body: 'Hello' });
    const before = await smsCounters(t.app, a.organizationId);
    await refused(api.campaigns.launch({ campaignId: id }), 'PRECONDITION_FAILED', /nobody would receive/);
    expect(await smsCounters(t.app, a.organizationId)).toEqual(before);
    expect((await api.campaigns.get({ campaignId: id })).status).toBe('draft');
    await t.app.services.db.prisma.organization.update({ where: { id: a.organizationId }, data: { contactSharing: 'shared' } });
  });

  it('refuses a launch past the hard cap: clear message, nothing queued, no quota held', async () => {
    const { api } = await t.client(a.people.owner.carrier);
    // The free plan includes 100 sms_sent; 29 are used. 2-part messages to 29 recipients need 58 → fits; to 30+29... use a bigger body.
    const body = 'A'.repeat(400); // 3 GSM-7 parts with the footer
    const { id } = await api.campaigns.create({ name: 'Too big', body, smsType: 'Transactional', includeTags: ['customers'] });
    const before = await smsCounters(t.app, a.organizationId);
    await refused(api.campaigns.launch({ campaignId: id }), 'PRECONDITION_FAILED', /needs 93 SMS parts.*monthly quota for sms_sent \(100\)/);
    expect(await smsCounters(t.app, a.organizationId)).toEqual(before);
    expect(await messageCounts(t.app, id)).toEqual({});
    expect((await api.campaigns.get({ campaignId: id })).status).toBe('draft');
  });

  it('cancelling releases the unused reservation; queued messages are never sent', async () => {
    await unlimitedSms(t.app, a.organizationId, t.clock.now());
    const { api } = await t.client(a.people.owner.carrier);
    const { id } = await api.campaigns.create({ name: 'Cancel me', body: 'Hello', smsType: 'Transactional', includeTags: ['customers'] });
    await api.campaigns.launch({ campaignId: id });
    const held = await smsCounters(t.app, a.organizationId);
    expect(held.organization!.reserved).toBe(31);
    await api.campaigns.cancel({ campaignId: id });
    expect(await messageCounts(t.app, id)).toEqual({ canceled: 31, skipped_opt_out: 1 });
    expect((await smsCounters(t.app, a.organizationId)).organization).toEqual({ used: held.organization!.used, reserved: 0 });
    const before = standIn.store.published.length;
    await sendUntilIdle(t, provider);
    expect(standIn.store.published.length).toBe(before);
    await refused(api.campaigns.cancel({ campaignId: id }), 'CONFLICT');
  });

  it('a reservation lost mid-campaign is renewed if the caps allow, else the rest is blocked_quota', async () => {
    const { api } = await t.client(a.people.owner.carrier);
    await t.app.services.db.prisma.quotaOverride.deleteMany({ where: { organizationId: a.organizationId } });
    await t.app.services.db.prisma.quotaOverride.create({
      data: { organizationId: a.organizationId, metric: 'sms_sent', limit: 200n, startsAt: new Date(t.clock.now().getTime() - 86_400_000), endsAt: new Date(t.clock.now().getTime() + 86_400_000), reason: 'test cap' },
    });
    const { id } = await api.campaigns.create({ name: 'Mid-campaign cap', body: 'Capped hello', smsType: 'Transactional', includeTags: ['customers'] });
    await api.campaigns.launch({ campaignId: id });
    // 10 parts a second and a clock that stands still: one run sends 10.
    await connectSmsChannel(t.app, a.organizationId, null, { partsPerSecond: 10 });
    t.clock.advance(5000);
    await sendUntilIdle(t, provider, { lanes: 1, batchSize: 10 }, 1);
    expect(published('Capped hello')).toHaveLength(10);
    await connectSmsChannel(t.app, a.organizationId, null, { partsPerSecond: 1000 });
    // Only one batch went… now the reservation disappears (expired while the senders were down).
    const campaign = await t.app.services.db.prisma.campaign.findFirstOrThrow({ where: { id } });
    await t.app.services.db.query(`update campaigns set status = 'paused' where id = $1`, [id]);
    await releaseReservation(t.app.services.db, a.organizationId, campaign.reservationId!, t.clock);
    // …and someone else's usage takes the quota meanwhile: 16 parts are left for the 21 still queued.
    // (This used to leave 26, enough to renew; the test passed only because a second sending lane,
    // racing the first one's successful renewal, failed its own and blocked the rest.)
    const left = 200 - ((await smsCounters(t.app, a.organizationId)).organization?.used ?? 0) - 21;
    await t.app.services.db.query(`update usage_counters set used = used + $2 where organization_id = $1 and scope = 'organization' and metric = 'sms_sent'`, [a.organizationId, left + 5]);
    await t.app.services.db.query(`update campaigns set status = 'sending' where id = $1`, [id]);
    await sendUntilIdle(t, provider);
    const counts = await messageCounts(t.app, id);
    expect(counts.blocked_quota).toBeGreaterThan(0);
    expect(published('Capped hello').length).toBe(counts.sent);
    const after = await smsCounters(t.app, a.organizationId);
    expect(after.organization!.used).toBeLessThanOrEqual(200);
    expect(after.organization!.reserved).toBe(0);
    expect((await api.campaigns.get({ campaignId: id })).statusReason).toMatch(/usage cap/);
  });
});
