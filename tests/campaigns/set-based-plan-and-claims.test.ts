// What the faster plan and claims (issue 10's benchmark) must keep: the set-based plan gives every
// number the zones, hold and price the per-number code gave it; claims that resume from a cursor
// still find a row they passed over while another claim held it; several senders at once send each
// recipient once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneTimeZones, quietHoursZones } from '../../server/campaigns/phone-time-zones';
import { DEFAULT_SENDER_OPTIONS, runCampaignSending } from '../../server/campaigns/send-campaign-messages';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { startSmsStandIn } from '../helpers/sms';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { connectSmsChannel, messageCounts, RecordingProvider, seedContacts, unlimitedSms } from './campaign-helpers';

describe.each(databaseTargets)('set-based plan and cursor claims on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let standIn: SnsStandIn;

  beforeAll(async () => {
    const sms = await startSmsStandIn();
    standIn = sms.standIn;
    t = await startTestApp(target, { sms: sms.sms });
    a = await seedTenant(t.app, `plan${target.name}`);
    await connectSmsChannel(t.app, a.organizationId, standIn);
    await unlimitedSms(t.app, a.organizationId, t.clock.now());
  });
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  it('gives every number the zones, hold and country the per-number lookup gives it', async () => {
    // US area codes, toll-free (tied to no region: narrowed), a long table prefix, other countries,
    // and a contact stored without its country (read from the number).
    const numbers: Array<[string, string | null]> = [
      ['+12125550101', 'US'],
      ['+14155550102', 'US'],
      ['+18005550199', 'US'],
      ['+12082355010', 'US'],
      ['+19075550103', 'US'],
      ['+18085550104', 'US'],
      ['+442079460958', 'GB'],
      ['+493012345678', 'DE'],
      ['+61291234567', 'AU'],
      ['+919876543210', 'IN'],
      ['+5511987654321', 'BR'],
      ['+13105550105', null],
    ];
    await t.app.services.db.query(
      `insert into contacts (organization_id, id, owner_user_id, name, phone, country, tags, consent_sms, consent_source, consent_at, updated_at)
       select $1, gen_random_uuid(), $2, 'Zone ' || p, p, c, array['zones'], true, 'import', now(), now() from unnest($3::text[], $4::text[]) as x(p, c)`,
      [a.organizationId, a.people.owner.userId, numbers.map((n) => n[0]), numbers.map((n) => n[1])],
    );
    // 03:00 in New York: most of these numbers are in quiet hours somewhere.
    const at = new Date('2026-11-02T08:00:00Z');
    t.clock.set(at);
    const { api } = await t.client(a.people.owner.carrier);
    const draft = { name: 'Zones', body: 'Zones check', smsType: 'Promotional' as const, includeTags: ['zones'] };
    const preview = await api.campaigns.preview(draft);
    const { id } = await api.campaigns.create(draft);
    await api.campaigns.launch({ campaignId: id });
    const rows = await t.app.services.db.query<{ phone: string; country: string | null; time_zones: string[]; not_before: Date; status: string }>(
      'select phone, country, time_zones, not_before, status from campaign_messages where campaign_id = $1',
      [id],
    );
    expect(rows).toHaveLength(numbers.length);
    const keys = [...new Set(rows.map((r) => r.time_zones.join('&')).filter(Boolean))];
    const releases = new Map<string, Date | null>();
    for (const k of keys) {
      const [r] = await t.app.services.db.query<{ release: Date | null }>('select meterdesk_quiet_release($1::text[], $2, 21, 8) as release', [k.split('&'), at]);
      releases.set(k, r!.release ? new Date(r!.release) : null);
    }
    for (const r of rows) {
      expect(r.time_zones, r.phone).toEqual(quietHoursZones(phoneTimeZones(r.phone), at));
      expect(r.status, r.phone).toBe('queued');
      const release = releases.get(r.time_zones.join('&')) ?? null;
      expect(new Date(r.not_before).getTime(), r.phone).toBe((release ?? at).getTime());
    }
    expect(rows.find((r) => r.phone === '+13105550105')!.country).toBe('US');
    const held = rows.filter((r) => new Date(r.not_before).getTime() > at.getTime());
    expect(held.length).toBeGreaterThan(0);
    expect(preview.counts).toMatchObject({ matched: numbers.length, eligible: numbers.length, heldQuietHours: held.length, sendNow: numbers.length - held.length });
    expect(preview.heldUntil?.getTime()).toBe(Math.max(...held.map((r) => new Date(r.not_before).getTime())));
    await api.campaigns.cancel({ campaignId: id });
  });

  // Two connection pools at once need a server: registered on PostgreSQL only (not a skipped test on PGlite).
  const onPostgres = target.name === 'postgres' ? it : ((() => undefined) as unknown as typeof it);
  onPostgres('two senders at once, one row held by another claim: each recipient once, the passed-over row too', async () => {
    t.clock.set(new Date('2026-11-02T18:00:00Z'));
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 240, { tags: ['cursor'], start: 5000 });
    const { api } = await t.client(a.people.owner.carrier);
    const { id } = await api.campaigns.create({ name: 'Cursor', body: 'Cursor check', smsType: 'Transactional', includeTags: ['cursor'] });
    await api.campaigns.launch({ campaignId: id });

    // Another process's claim holds the first row in claim order while the senders start; it lets
    // go once the senders have made their first provider call (their cursors are past it by then).
    let release!: () => void;
    const letGo = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    let first: { id: string; phone: string } | undefined;
    const holder = t.app.services.db.prisma.$transaction(
      async (tx) => {
        [first] = await tx.$queryRawUnsafe<Array<{ id: string; phone: string }>>(
          `select id, phone from campaign_messages where campaign_id = $1::uuid and status = 'queued' order by not_before, id limit 1 for update`,
          id,
        );
        locked();
        await letGo;
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
    await isLocked;
    const provider = new RecordingProvider();
    // The row is let go once both senders have claimed (each claim's cursor is then past it): only
    // a claim that looks again from the start before calling the campaign idle can find it.
    const called = [false, false];
    const options = (i: number) => ({
      ...DEFAULT_SENDER_OPTIONS,
      lanes: 1,
      batchSize: 8,
      beforeProviderCall: () => {
        called[i] = true;
        if (called[0] && called[1]) release();
      },
    });
    const services = { db: t.app.services.db, clock: t.clock, smsProviders: async () => provider };
    await Promise.all([runCampaignSending(services, options(0)), runCampaignSending(services, options(1))]);
    release();
    await holder;
    expect(await messageCounts(t.app, id)).toEqual({ sent: 240 });
    expect(provider.duplicates()).toBe(0);
    expect(provider.countFor(first!.phone)).toBe(1);
    const cursor = provider.published.filter((p) => p.body.startsWith('Cursor check'));
    expect(cursor).toHaveLength(240);
  });
});
