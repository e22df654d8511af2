// Campaign gaps of issue 10: a launch interrupted by a crash is rolled back (reservation released,
// once); a suspended tenant stops sending and gives back its unused reservation; unknown messages
// marked failed on review give their parts back exactly once, whatever the number of reviewers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../server/campaigns/launch-campaign';
import { pauseRestrictedCampaigns } from '../../server/campaigns/pause-restricted-campaigns';
import { INTERRUPTED_LAUNCH_REASON, recoverInterruptedLaunches } from '../../server/campaigns/recover-interrupted-launches';
import { reserveUsage } from '../../server/metering/reserve-usage';
import { databaseTargets } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { startSmsStandIn } from '../helpers/sms';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { actorOf, connectSmsChannel, messageCounts, RecordingProvider, seedContacts, sendUntilIdle, smsCounters, unlimitedSms, US_DAYTIME } from './campaign-helpers';

describe.each(databaseTargets)('campaign gaps on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let standIn: SnsStandIn;
  const db = () => t.app.services.db;
  const campaignRow = (id: string) => db().prisma.campaign.findFirstOrThrow({ where: { id } });
  const orgSms = async () => {
    const c = (await smsCounters(t.app, a.organizationId)).organization;
    return { used: c?.used ?? 0, reserved: c?.reserved ?? 0 };
  };

  beforeAll(async () => {
    const sms = await startSmsStandIn();
    standIn = sms.standIn;
    t = await startTestApp(target, { sms: sms.sms });
    t.clock.set(US_DAYTIME);
    a = await seedTenant(t.app, `gaps${target.name}`);
    await connectSmsChannel(t.app, a.organizationId, standIn);
    await unlimitedSms(t.app, a.organizationId, t.clock.now());
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 30, { tags: ['customers'] });
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 3, { tags: ['review'], start: 500 });
  });
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  const draft = async (name: string, tag = 'customers') => (await (await t.client(a.people.owner.carrier)).api.campaigns.create({ name, body: `Hello from ${name}`, smsType: 'Transactional', includeTags: [tag], appendFooter: false })).id;

  it('a launch left `launching` by a crash is rolled back after its lease: draft again, reservation released, once', async () => {
    const id = await draft('Crashed launch');
    const before = await orgSms();
    // What a process that died after reserving left behind.
    const reservation = await reserveUsage(db(), a.organizationId, { metric: 'sms_sent', quantity: 30, user: a.people.owner.userId, ttlSeconds: 24 * 3600 }, t.clock);
    if (reservation.status !== 'reserved') throw new Error('reservation refused');
    await db().query(`update campaigns set status = 'launching', reservation_id = $2, updated_at = $3 where id = $1`, [id, reservation.reservationId, t.clock.now()]);
    expect((await orgSms()).reserved).toBe(before.reserved + 30);

    // Within the lease it is a launch still running: left alone.
    expect(await recoverInterruptedLaunches(db(), t.clock)).toEqual([]);
    t.clock.advance(11 * 60_000);
    const [first, second] = await Promise.all([recoverInterruptedLaunches(db(), t.clock), recoverInterruptedLaunches(db(), t.clock)]);
    expect([...first!, ...second!]).toEqual([{ organizationId: a.organizationId, id, released: 30 }]);
    expect(await recoverInterruptedLaunches(db(), t.clock)).toEqual([]);
    expect(await campaignRow(id)).toMatchObject({ status: 'draft', reservationId: null, statusReason: INTERRUPTED_LAUNCH_REASON });
    expect(await db().prisma.usageReservation.findFirstOrThrow({ where: { id: reservation.reservationId } })).toMatchObject({ status: 'released' });
    expect(await orgSms()).toEqual(before);
    expect(await messageCounts(t.app, id)).toEqual({});

    // Launched again, it sends.
    const { api } = await t.client(a.people.owner.carrier);
    await expect(api.campaigns.launch({ campaignId: id })).resolves.toMatchObject({ status: 'sending' });
    expect((await campaignRow(id)).statusReason).toBeNull();
    await api.campaigns.cancel({ campaignId: id });
  });

  it('a launch rolled back by the recovery while it was still planning writes nothing and holds no quota', async () => {
    const id = await draft('Slow launch');
    const before = await orgSms();
    const launching = launchCampaign(db(), actorOf(a), { campaignId: id }, t.clock, {
      beforePlanning: async () => {
        // The launch stalls past its lease; another process rolls it back meanwhile.
        t.clock.advance(11 * 60_000);
        expect((await recoverInterruptedLaunches(db(), t.clock)).map((r) => r.id)).toEqual([id]);
      },
    });
    await expect(launching).rejects.toThrow(/launch was interrupted/);
    expect(await campaignRow(id)).toMatchObject({ status: 'draft', reservationId: null });
    expect(await messageCounts(t.app, id)).toEqual({});
    expect(await orgSms()).toEqual(before);
  });

  it('a suspended tenant stops sending: the campaign pauses with the reason shown, the unused reservation goes back; it resumes once lifted', async () => {
    const id = await draft('Suspended mid-send');
    const { api } = await t.client(a.people.owner.carrier);
    await api.campaigns.launch({ campaignId: id });
    const provider = new RecordingProvider();
    // 10 parts a second and a clock that stands still: one run sends 10.
    await connectSmsChannel(t.app, a.organizationId, null, { partsPerSecond: 10 });
    t.clock.advance(5000);
    await sendUntilIdle(t, provider, { lanes: 1, batchSize: 10 }, 1);
    expect(provider.published).toHaveLength(10);
    const held = await smsCounters(t.app, a.organizationId);
    expect(held.organization!.reserved).toBe(20);

    await db().prisma.organization.update({ where: { id: a.organizationId }, data: { suspendedAt: t.clock.now(), suspendedReason: 'abuse report' } });
    expect(await pauseRestrictedCampaigns(db(), t.clock)).toBe(1);
    expect(await pauseRestrictedCampaigns(db(), t.clock)).toBe(0);
    const detail = await api.campaigns.get({ campaignId: id });
    expect(detail.status).toBe('paused');
    expect(detail.statusReason).toMatch(/^Paused: This organization is suspended.*unused quota was released/);
    expect(await smsCounters(t.app, a.organizationId)).toEqual({ ...held, organization: { used: held.organization!.used, reserved: 0 }, user: { used: held.user!.used, reserved: 0 } });

    t.clock.advance(60_000);
    await sendUntilIdle(t, provider);
    expect(provider.published).toHaveLength(10);
    await refused(api.campaigns.resume({ campaignId: id }), 'PRECONDITION_FAILED', /Not resumed: This organization is suspended/);

    await db().prisma.organization.update({ where: { id: a.organizationId }, data: { suspendedAt: null, suspendedReason: null } });
    await connectSmsChannel(t.app, a.organizationId, null, { partsPerSecond: 1000 });
    await api.campaigns.resume({ campaignId: id });
    await sendUntilIdle(t, provider);
    expect(provider.published).toHaveLength(30);
    expect(provider.duplicates()).toBe(0);
    expect(await messageCounts(t.app, id)).toEqual({ sent: 30 });
    const after = await smsCounters(t.app, a.organizationId);
    expect(after.organization).toEqual({ used: held.organization!.used + 20, reserved: 0 });
  });

  it('marking unknown messages failed gives their parts back exactly once, under double clicks and concurrent reviewers', async () => {
    const id = await draft('Unknowns', 'review');
    const { api } = await t.client(a.people.owner.carrier);
    await api.campaigns.launch({ campaignId: id });
    const provider = new RecordingProvider();
    provider.failNext('timeout', 1, '+14155550500');
    provider.failNext('timeout', 1, '+14155550501');
    await sendUntilIdle(t, provider);
    expect(await messageCounts(t.app, id)).toEqual({ sent: 1, unknown: 2 });
    const before = await smsCounters(t.app, a.organizationId);
    const unknown = (await api.campaigns.messages({ campaignId: id, status: 'unknown' })).items.map((m) => m.id);
    const rollup = async () =>
      Number((await db().query<{ q: string }>(`select sum(quantity) as q from usage_daily_rollups where organization_id = $1 and scope = 'organization' and metric = 'sms_sent'`, [a.organizationId]))[0]!.q);
    const rollupBefore = await rollup();

    const reviewers = [a.people.owner, a.people.owner, a.people.admin, a.people.admin];
    const outcomes = await Promise.allSettled(reviewers.map(async (p) => (await t.client(p.carrier)).api.campaigns.reviewUnknown({ campaignId: id, messageIds: unknown, outcome: 'failed' })));
    const done = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<{ changed: number; creditedParts: number }>).value);
    expect(done.reduce((n, r) => n + r.changed, 0)).toBe(2);
    expect(done.reduce((n, r) => n + r.creditedParts, 0)).toBe(2);
    for (const o of outcomes) if (o.status === 'rejected') expect(String(o.reason)).toMatch(/not awaiting review/);

    expect(await messageCounts(t.app, id)).toEqual({ sent: 1, failed: 2 });
    const after = await smsCounters(t.app, a.organizationId);
    expect(after.organization!.used).toBe(before.organization!.used - 2);
    expect(after.user!.used).toBe(before.user!.used - 2);
    expect(await rollup()).toBe(rollupBefore - 2);
    const corrections = await db().query<{ quantity: string; source: string }>(`select quantity, source from usage_events where organization_id = $1 and idempotency_key like 'campaign_message_failed:%'`, [a.organizationId]);
    expect(corrections.map((c) => [Number(c.quantity), c.source])).toEqual([
      [-1, 'review'],
      [-1, 'review'],
    ]);
    // The ledger and the counters still agree: events minus corrections.
    const [ledger] = await db().query<{ n: string }>(`select sum(quantity) as n from usage_events where organization_id = $1 and metric = 'sms_sent'`, [a.organizationId]);
    expect(Number(ledger!.n)).toBe(after.organization!.used);
    // Nothing more on a later click.
    await refused(api.campaigns.reviewUnknown({ campaignId: id, messageIds: unknown, outcome: 'failed' }), 'BAD_REQUEST', /not awaiting review/);
    expect(await smsCounters(t.app, a.organizationId)).toEqual(after);
  });
});
