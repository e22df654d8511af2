// Parts and encodings at their edges, the phone number's time zones, and quiet hours: a
// promotional message outside 08:00–21:00 local is held and goes at 08:00 local.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timezones } from 'libphonenumber-geo-carrier';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { composeSmsText, messageSegments } from '../../server/campaigns/message-segments';
import { phoneTimeZones, quietHoursZones } from '../../server/campaigns/phone-time-zones';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { startSmsStandIn } from '../helpers/sms';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { connectSmsChannel, messageCounts, RecordingProvider, seedContacts, sendUntilIdle } from './campaign-helpers';

describe('message segments', () => {
  it.each([
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    // Extension characters take two septets each: 80 × € is 160 septets, one more is two parts.
    ['€'.repeat(80), 'GSM-7', 1],
    ['€'.repeat(81), 'GSM-7', 2],
    ['[]{}'.repeat(20), 'GSM-7', 1],
    ['[]{}'.repeat(20) + '~', 'GSM-7', 2],
    ['д'.repeat(70), 'UCS-2', 1],
    ['д'.repeat(71), 'UCS-2', 2],
    ['д'.repeat(134), 'UCS-2', 2],
    ['д'.repeat(135), 'UCS-2', 3],
    // An emoji is two UTF-16 code units: 35 fill one UCS-2 part, 36 need two.
    ['😀'.repeat(35), 'UCS-2', 1],
    ['😀'.repeat(36), 'UCS-2', 2],
  ])('%#: %s… → %s, %i part(s)', (text, encoding, parts) => {
    expect(messageSegments(text)).toMatchObject({ encoding, parts });
  });

  it('names the characters that force UCS-2, once each', () => {
    expect(messageSegments('Hello “friend” 😀 д “').nonGsmCharacters).toEqual(['“', '”', '😀', 'д']);
    expect(messageSegments('Hello €[]').nonGsmCharacters).toEqual([]);
  });

  it('appends the compliance footer on its own line', () => {
    expect(composeSmsText('  Hi  ', 'Reply STOP to opt out')).toBe('Hi\nReply STOP to opt out');
    expect(composeSmsText('Hi', null)).toBe('Hi');
  });
});

describe('phone time zones', () => {
  it('agree with libphonenumber-geo-carrier’s own lookup', async () => {
    for (const n of ['+14155550123', '+12125550123', '+447700900123', '+61412345678', '+4915112345678', '+919812345678', '+18005550199']) {
      expect(phoneTimeZones(n), n).toEqual((await timezones(parsePhoneNumberFromString(n)!)) ?? []);
    }
  });

  it('narrow a number tied to no region to the zones around its middle', () => {
    const zones = quietHoursZones(phoneTimeZones('+18005550199'), new Date('2026-11-02T18:00:00Z'));
    expect(zones).toContain('America/Chicago');
    expect(zones).not.toContain('Pacific/Guam');
    expect(zones).not.toContain('Pacific/Honolulu');
    expect(quietHoursZones(['Europe/Berlin'], new Date())).toEqual(['Europe/Berlin']);
  });
});

describe.each(databaseTargets)('quiet hours on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let standIn: SnsStandIn;
  beforeAll(async () => {
    const sms = await startSmsStandIn();
    standIn = sms.standIn;
    t = await startTestApp(target, { sms: sms.sms });
    a = await seedTenant(t.app, `quiet${target.name}`);
    await connectSmsChannel(t.app, a.organizationId, standIn);
    // New York numbers (+1212…) and Los Angeles numbers (+1415…).
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 3, { prefix: '+1212555', tags: ['east'] });
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, 2, { prefix: '+1415555', tags: ['west'] });
  });
  afterAll(async () => {
    await t?.close();
    await standIn?.close();
  });

  it('holds promotional messages until 8 am local and releases each zone at its own 8 am', async () => {
    // 05:30 in New York, 02:30 in Los Angeles.
    t.clock.set(new Date('2026-11-02T10:30:00Z'));
    const { api } = await t.client(a.people.owner.carrier);
    const draft = { name: 'Morning sale', body: 'Doors open at 9!', smsType: 'Promotional' as const };
    const preview = await api.campaigns.preview(draft);
    expect(preview.counts).toMatchObject({ eligible: 5, sendNow: 0, heldQuietHours: 5 });
    const { id } = await api.campaigns.create(draft);
    await api.campaigns.launch({ campaignId: id });
    expect((await api.campaigns.get({ campaignId: id })).counts).toMatchObject({ queued: 5, held_quiet_hours: 5 });

    const provider = new RecordingProvider();
    await sendUntilIdle(t, provider);
    expect(provider.published).toHaveLength(0);

    // 07:59 in New York: still held.
    t.clock.set(new Date('2026-11-02T12:59:00Z'));
    await sendUntilIdle(t, provider);
    expect(provider.published).toHaveLength(0);
    // 08:00 in New York (05:00 in Los Angeles): the east coast goes.
    t.clock.set(new Date('2026-11-02T13:00:00Z'));
    await sendUntilIdle(t, provider);
    expect(provider.published.map((p) => p.to).sort()).toEqual(['+12125550000', '+12125550001', '+12125550002']);
    // 08:00 in Los Angeles: the rest.
    t.clock.set(new Date('2026-11-02T16:00:00Z'));
    await sendUntilIdle(t, provider);
    expect(provider.published).toHaveLength(5);
    expect(await messageCounts(t.app, id)).toEqual({ sent: 5 });
    expect((await api.campaigns.get({ campaignId: id })).status).toBe('completed');
  });

  it('transactional messages ignore quiet hours; "skip" skips instead of holding', async () => {
    t.clock.set(new Date('2026-11-03T04:00:00Z')); // 23:00 New York, 20:00 Los Angeles
    const { api } = await t.client(a.people.owner.carrier);
    const tx = await api.campaigns.preview({ name: 'OTP', body: 'Code 1', smsType: 'Transactional' });
    expect(tx.counts).toMatchObject({ sendNow: 5, heldQuietHours: 0 });
    const skip = await api.campaigns.preview({ name: 'Late promo', body: 'Sale', smsType: 'Promotional', quietHoursAction: 'skip' });
    expect(skip.counts).toMatchObject({ sendNow: 2, skippedQuietHours: 3, eligible: 2 });
  });
});
