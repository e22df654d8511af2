// At most once, on PostgreSQL with several processes: a process killed between marking messages
// `sending` and learning the outcome; two workers on one campaign; provider errors retried without
// duplicates; timeouts marked unknown and never resent; review of unknowns.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markStaleSendingUnknown } from '../../server/campaigns/send-campaign-messages';
import { smsProviderFor } from '../../server/sms/sms-provider-for-organization';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';
import { refused } from '../helpers/refusals';
import { MemoryCarrier, memoryKeychain, TestClock, type TestApp } from '../helpers/test-app';
import { createApp } from '../../server/app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { startSmsStandIn } from '../helpers/sms';
import type { SnsStandIn } from '../stand-ins/sns/server';
import { connectSmsChannel, messageCounts, RecordingProvider, seedContacts, sendUntilIdle, smsCounters, unlimitedSms, US_DAYTIME } from './campaign-helpers';

const tsx = join(process.cwd(), 'node_modules/.bin/tsx');

let standIn: SnsStandIn;

function runWorker(url: string, crashAfter?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = [url, standIn.endpoint, standIn.region, standIn.accessKeyId, standIn.secretAccessKey, ...(crashAfter ? [String(crashAfter)] : [])];
    const child = spawn(tsx, [join(process.cwd(), 'tests/campaigns/send-worker.ts'), ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe.skipIf(!postgresAvailable)('at most once on postgres', () => {
  let t: TestApp;
  let a: Tenant;
  let url: string;
  let drop: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    const database = await createPostgresDatabase();
    url = database.url;
    drop = database.drop;
    dir = await mkdtemp(join(tmpdir(), 'meterdesk-amo-'));
    const sms = await startSmsStandIn();
    standIn = sms.standIn;
    // The child processes use the real clock: so does this app.
    const clock = new TestClock(new Date());
    const app = await createApp({ dataDir: dir, databaseUrl: url, clock, keychain: memoryKeychain(), sms: { ...sms.sms, requestTimeoutMs: 3000 } });
    t = { app, clock, dataDir: dir, client: async (carrier = new MemoryCarrier()) => ({ carrier, api: await app.createCaller(carrier) }), close: async () => app.close() };
    a = await seedTenant(t.app, 'amo');
    await connectSmsChannel(t.app, a.organizationId, standIn);
    await unlimitedSms(t.app, a.organizationId, t.clock.now());
  });
  afterAll(async () => {
    await t?.close();
    await drop?.();
    await standIn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const publishedOf = (body: string) => standIn.store.published.filter((p) => p.message === body).map((p) => p.phoneNumber);

  async function launch(name: string, tag: string, n: number, start: number, body = `Your code is ${tag}`) {
    await seedContacts(t.app, a.organizationId, a.people.owner.userId, n, { tags: [tag], start });
    const { api } = await t.client(a.people.owner.carrier);
    const { id } = await api.campaigns.create({ name, body, smsType: 'Transactional', includeTags: [tag], appendFooter: false });
    await api.campaigns.launch({ campaignId: id });
    return id;
  }

  it('a process killed mid-send: the restart sends the rest, never resends, and marks the in-flight ones unknown', async () => {
    const id = await launch('Killed', 'killed', 60, 0);
    // Dies as its 12th Publish is answered (a batch of 5 in flight on each of 2 lanes).
    expect(await runWorker(url, 12)).toBe(137);
    const afterCrash = await messageCounts(t.app, id);
    expect(afterCrash.sending).toBeGreaterThan(0);
    // The restart waits out the lease (here: anything `sending` from before it started is stale).
    await t.app.services.db.query(`update campaign_messages set sending_at = sending_at - interval '10 minutes' where campaign_id = $1 and status = 'sending'`, [id]);
    expect(await runWorker(url)).toBe(0);
    const counts = await messageCounts(t.app, id);
    expect(counts.unknown).toBe(afterCrash.sending);
    expect((counts.sent ?? 0) + counts.unknown!).toBe(60);
    // The stand-in's log: each number at most once (the unknown ones: once or never).
    const published = publishedOf('Your code is killed');
    expect(published.length).toBeLessThanOrEqual(60);
    expect(new Set(published).size, 'a number was published twice').toBe(published.length);
    expect(published.length).toBeGreaterThanOrEqual(counts.sent!);
    // Unknowns are counted as usage (they may have gone out), once each.
    const events = await t.app.services.db.query<{ n: string }>(`select count(*) as n from usage_events where resource_id = $1`, [id]);
    expect(Number(events[0]!.n)).toBe(60);
    await expect((await t.client(a.people.owner.carrier)).api.campaigns.get({ campaignId: id })).resolves.toMatchObject({ status: 'completed' });
  }, 240_000);

  it('two workers at once send each message exactly once', async () => {
    const id = await launch('Two workers', 'two', 200, 1000);
    const codes = await Promise.all([runWorker(url), runWorker(url)]);
    expect(codes).toEqual([0, 0]);
    const published = publishedOf('Your code is two');
    expect(published).toHaveLength(200);
    expect(new Set(published).size).toBe(200);
    expect(await messageCounts(t.app, id)).toEqual({ sent: 200 });
  }, 240_000);

  it('throttling and 5xx are retried without duplicates; invalid numbers fail; a timeout is unknown and never resent', async () => {
    const id = await launch('Flaky provider', 'flaky', 20, 2000);
    const provider = new RecordingProvider();
    provider.failNext('Throttled', 6);
    provider.failNext('InternalError', 3);
    provider.failNext('InvalidParameter', 1, '+14155552003');
    provider.failNext('timeout', 1, '+14155552007');
    provider.failNext('OptedOut', 1, '+14155552009');
    for (let i = 0; i < 10; i++) {
      await sendUntilIdle(t, provider);
      t.clock.advance(120_000); // past every backoff
    }
    const counts = await messageCounts(t.app, id);
    expect(counts).toEqual({ sent: 17, failed: 1, unknown: 1, skipped_opt_out: 1 });
    expect(provider.duplicates()).toBe(0);
    expect(provider.countFor('+14155552007')).toBe(1);
    const retried = await t.app.services.db.query<{ n: string }>(`select count(*) as n from campaign_messages where campaign_id = $1 and attempts > 0`, [id]);
    expect(Number(retried[0]!.n)).toBeGreaterThan(0);
    // The provider's opt-out is remembered for every later send.
    expect(await t.app.services.db.prisma.smsOptOut.findUnique({ where: { organizationId_phone: { organizationId: a.organizationId, phone: '+14155552009' } } })).toMatchObject({ source: 'provider_sync' });

    // Review: the unknown one is marked as sent by a person (audited); usage is not counted twice.
    const { api } = await t.client(a.people.owner.carrier);
    const unknown = await api.campaigns.messages({ campaignId: id, status: 'unknown' });
    expect(unknown.items).toHaveLength(1);
    const usedBefore = (await smsCounters(t.app, a.organizationId)).organization!.used;
    await api.campaigns.reviewUnknown({ campaignId: id, messageIds: [unknown.items[0]!.id], outcome: 'sent', note: 'Delivered per CloudWatch' });
    expect((await smsCounters(t.app, a.organizationId)).organization!.used).toBe(usedBefore);
    expect(await messageCounts(t.app, id)).toMatchObject({ sent: 18 });
    await refused(api.campaigns.reviewUnknown({ campaignId: id, messageIds: [unknown.items[0]!.id], outcome: 'failed' }), 'BAD_REQUEST', /not awaiting review/);
    const audit = await t.app.services.db.prisma.auditEvent.findFirst({ where: { organizationId: a.organizationId, action: 'campaign.messages_marked_sent' } });
    expect(audit).toMatchObject({ targetId: id, reason: 'Delivered per CloudWatch' });
  });

  it('through SNS: throttling and 5xx answers are retried without duplicates; a request left unanswered is unknown, never resent', async () => {
    const id = await launch('Stand-in errors', 'sns', 12, 4000);
    const provider = await smsProviderFor(t.app.services, a.organizationId);
    standIn.failNext(8, 'Throttled', { action: 'Publish' });
    standIn.failNext(6, 'InternalError', { action: 'Publish' });
    for (let i = 0; i < 10; i++) {
      await sendUntilIdle(t, provider);
      t.clock.advance(120_000);
    }
    expect(await messageCounts(t.app, id)).toEqual({ sent: 12 });
    const published = publishedOf('Your code is sns');
    expect(published).toHaveLength(12);
    expect(new Set(published).size).toBe(12);

    const hung = await launch('Hung request', 'hang', 1, 4100);
    standIn.failNext(1, 'hang', { action: 'Publish' });
    await sendUntilIdle(t, provider);
    expect(await messageCounts(t.app, hung)).toEqual({ unknown: 1 });
    t.clock.advance(3_600_000);
    await sendUntilIdle(t, provider);
    expect(await messageCounts(t.app, hung)).toEqual({ unknown: 1 });
    expect(standIn.requests.filter((r) => r.action === 'Publish' && r.params.PhoneNumber === '+14155554100')).toHaveLength(1);
  });

  it('rows left sending past the lease become unknown; an answer arriving late still records the send once', async () => {
    const id = await launch('Late answer', 'late', 3, 3000);
    const provider = new RecordingProvider();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sending = sendUntilIdle(t, provider, { beforeProviderCall: () => gate }, 1);
    // While the provider call hangs, the lease runs out (another process's sweep).
    await expect.poll(async () => (await messageCounts(t.app, id)).sending).toBe(3);
    t.clock.advance(10 * 60_000);
    expect(await markStaleSendingUnknown(t.app.services.db, t.clock, 5 * 60_000)).toBe(3);
    release();
    await sending;
    expect(await messageCounts(t.app, id)).toEqual({ sent: 3 });
    const events = await t.app.services.db.query<{ n: string }>(`select count(*) as n from usage_events where resource_id = $1`, [id]);
    expect(Number(events[0]!.n)).toBe(3);
  });
});
