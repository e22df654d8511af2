// Outbound webhooks: signed with the documented recipe, retried on the documented schedule, durable
// across a restart, never sent to forbidden addresses, disabled after 24 hours of failures.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type MeterdeskApp } from '../../server/app';
import { deliverDueWebhooks, retryDelayMs } from '../../server/webhooks/deliver-webhooks';
import { verifyWebhookSignature } from '../../server/webhooks/webhook-signature';
import { usageApiOpenApi } from '../../server/usage-api/usage-api-openapi';
import { createPostgresDatabase, postgresAvailable } from '../helpers/databases';
import { memoryKeychain, TestClock } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

/** The README's verification recipe, written out as a receiver would. */
function receiverVerifies(secret: string, rawBody: string, header: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${rawBody}`).digest('hex');
  const fresh = Math.abs(nowSeconds - Number(parts.t)) <= 300;
  return fresh && expected.length === parts.v1!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1!));
}

describe.runIf(postgresAvailable)('outbound webhooks (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  let app: MeterdeskApp;
  let tenant: Tenant;
  let receiver: WebhookReceiver;
  const clock = new TestClock(new Date('2026-11-10T12:00:00Z'));
  const keychain = memoryKeychain();

  const owner = () => app.createCaller(tenant.people.owner.carrier);
  const deliver = () => deliverDueWebhooks({ ...app.services, webhookDelivery: { timeoutMs: 1500 } });
  const deliveries = (endpointId: string) => app.services.db.prisma.webhookDelivery.findMany({ where: { organizationId: tenant.organizationId, endpointId }, orderBy: { createdAt: 'asc' } });

  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'meterdesk-webhooks-'));
    app = await createApp({ dataDir, databaseUrl: database.url, keychain, clock });
    tenant = await seedTenant(app, 'hooky');
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await app?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.mode = { status: 200, body: 'ok' };
    // Earlier tests' leftovers are not this test's business.
    await app.services.db.query(`update webhook_deliveries set status = 'succeeded' where status in ('pending', 'delivering')`);
  });

  async function endpoint(events: string[] = ['api_key.created'], url = receiver.url) {
    const o = await owner();
    await o.webhooks.setSettings({ allowPrivateTargets: true }); // the local receiver is on loopback
    return o.webhooks.create({ url, events: events as never, description: 'Test receiver' });
  }

  it('refuses forbidden targets, bad URLs and bad events when registering, writing nothing', async () => {
    const o = await owner();
    await o.webhooks.setSettings({ allowPrivateTargets: false });
    const before = await databaseFingerprint(app);
    const refusals: [string, RegExp][] = [
      ['http://127.0.0.1:8080/h', /loopback, private, link-local/],
      ['http://10.1.2.3/h', /loopback, private, link-local/],
      ['http://169.254.169.254/latest/meta-data', /loopback, private, link-local/],
      ['http://[::1]:9000/h', /loopback, private, link-local/],
      ['http://[::ffff:127.0.0.1]/h', /loopback, private, link-local/],
      ['http://localhost:3000/h', /localhost \(loopback\)/],
      ['ftp://example.com/h', /must start with https:\/\/ or http:\/\//],
      ['javascript:alert(1)', /must start with https:\/\/ or http:\/\//],
      ['https://user:pass@example.com/h', /Remove the user name and password/],
      ['not a url', /Enter a full URL/],
      ['https://exa\u0000mple.com/h', /control characters/],
      [`https://example.com/${'a'.repeat(3000)}`, /too long/],
    ];
    for (const [url, message] of refusals) {
      const error = await o.webhooks.create({ url, events: ['api_key.created'] }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code, url).toBe('BAD_REQUEST');
      expect((error as Error).message, url).toMatch(message);
    }
    await expect(o.webhooks.create({ url: 'https://example.com/h', events: [] })).rejects.toThrow(/at least one event/);
    await expect(o.webhooks.create({ url: 'https://example.com/h', events: ['billing.everything' as never] })).rejects.toThrow(/Choose events from/);
    expect(await databaseFingerprint(app)).toEqual(before);
  });

  it('shows the secret once, keeps it sealed, and signs each delivery with the documented recipe', async () => {
    const created = await endpoint();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const o = await owner();
    const listed = JSON.stringify(await o.webhooks.list());
    expect(listed).not.toContain(created.secret);
    expect(listed).toContain(created.secret.slice(0, 10)); // the hint
    const stored = await app.services.db.query<{ row: string }>(`select row_to_json(e)::text as row from webhook_endpoints e`);
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(6));

    const key = await o.apiKeys.create({ name: 'CI key', scopes: ['usage:write'] });
    expect(await deliver()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const { headers, body } = receiver.received[0]!;
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({ type: 'api_key.created', organizationId: tenant.organizationId, data: { apiKeyId: key.id, name: 'CI key', prefix: key.prefix } });
    expect(body).not.toContain(key.key); // never the key itself
    expect(headers['meterdesk-event-id']).toBe(payload.id);
    expect(headers['meterdesk-event-type']).toBe('api_key.created');
    const signature = headers['meterdesk-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const now = Math.floor(clock.now().getTime() / 1000);
    expect(receiverVerifies(created.secret, body, signature, now)).toBe(true);
    expect(verifyWebhookSignature(created.secret, body, signature, clock.now())).toBe(true);
    // Tampered body, wrong secret, stale timestamp: refused.
    expect(receiverVerifies(created.secret, body.replace('CI key', 'CI kez'), signature, now)).toBe(false);
    expect(receiverVerifies('whsec_wrong', body, signature, now)).toBe(false);
    expect(receiverVerifies(created.secret, body, signature, now + 301)).toBe(false);
    const [delivery] = await deliveries(created.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    expect(delivery!.lastLatencyMs).toBeGreaterThanOrEqual(0);
    await o.webhooks.delete({ endpointId: created.id });
  });

  it('retries on the exponential schedule and logs each attempt', async () => {
    const created = await endpoint(['member.invited']);
    receiver.mode = { status: 503, body: 'busy' };
    const o = await owner();
    await o.invitations.create({ email: 'newcomer@hooky.test', role: 'member' });
    const start = clock.now().getTime();
    await deliver();
    let [d] = await deliveries(created.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 503, lastError: 'Answered 503; only 2xx counts as delivered.' });
    const expectedOffsets = [0];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const due = d!.nextAttemptAt.getTime();
      expect(due - clock.now().getTime()).toBe(retryDelayMs(attempt)); // 1, 2, 4, 8, 16 minutes
      clock.set(new Date(due - 1000));
      expect(await deliver()).toBe(0); // not yet
      clock.set(new Date(due));
      expect(await deliver()).toBe(1);
      expectedOffsets.push(due - start);
      [d] = await deliveries(created.id);
    }
    expect(expectedOffsets.map((ms) => ms / 60_000)).toEqual([0, 1, 3, 7, 15, 31]);
    receiver.mode = { status: 204 };
    clock.set(d!.nextAttemptAt);
    await deliver();
    [d] = await deliveries(created.id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 7, lastStatusCode: 204 });
    const log = (await o.webhooks.deliveries({ endpointId: created.id }))[0]!.log;
    expect(log.map((a) => a.statusCode)).toEqual([503, 503, 503, 503, 503, 503, 204]);
    expect(log[0]!.responseExcerpt).toBe('busy');
    expect(JSON.parse(receiver.received[0]!.body).data).toMatchObject({ email: 'newcomer@hooky.test', role: 'member' });
    expect((await app.services.db.prisma.webhookEndpoint.findFirstOrThrow({ where: { id: created.id } })).failingSince).toBeNull();
    await o.webhooks.delete({ endpointId: created.id });
  });

  it('delivers after a restart mid-retry (a new app on the same database), and reclaims an expired lease', async () => {
    const created = await endpoint();
    receiver.mode = { status: 500 };
    await (await owner()).apiKeys.create({ name: 'Restart key', scopes: ['usage:read'] });
    await deliver();
    // A process that claimed the delivery and died: its lease runs out, then another takes it.
    await app.services.db.query(`update webhook_deliveries set status = 'delivering', lease_expires_at = $2 where endpoint_id = $1`, [created.id, new Date(clock.now().getTime() + 60_000)]);
    await app.close();
    app = await createApp({ dataDir, databaseUrl: database.url, keychain, clock });
    receiver.mode = { status: 200 };
    clock.advance(30_000);
    expect(await deliver()).toBe(0); // leased
    clock.advance(31_000);
    expect(await deliver()).toBe(1);
    const [d] = await deliveries(created.id);
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body); // the same event, re-signed
    await (await owner()).webhooks.delete({ endpointId: created.id });
  });

  it('refuses at connect time to reach forbidden addresses once private targets are off (DNS included)', async () => {
    const o = await owner();
    await o.webhooks.setSettings({ allowPrivateTargets: true });
    const urls = [`http://127.0.0.1:${receiver.port}/h`, 'http://10.0.0.7/h', 'http://169.254.169.254/h', `http://[::1]:${receiver.port}/h`, `http://localhost:${receiver.port}/h`];
    const ids = [];
    for (const url of urls) ids.push((await o.webhooks.create({ url, events: ['api_key.created'] })).id);
    await o.webhooks.setSettings({ allowPrivateTargets: false });
    await o.apiKeys.create({ name: 'SSRF probe', scopes: ['usage:read'] });
    await deliver();
    expect(receiver.received).toEqual([]);
    for (const id of ids) {
      const [d] = await deliveries(id);
      expect(d!.lastError, urls[ids.indexOf(id)]).toMatch(/^Refused by SSRF protection: /);
      expect(d!.lastStatusCode).toBeNull();
    }
    // localhost resolved to a loopback address at connect time.
    expect((await deliveries(ids[4]!))[0]!.lastError).toMatch(/localhost resolves to (127\.0\.0\.1|::1)/);
    for (const id of ids) await o.webhooks.delete({ endpointId: id });
  });

  it('gives up on a receiver that hangs (timeout) and reads at most 64 KB of a huge answer', async () => {
    const created = await endpoint();
    receiver.mode = { hang: true };
    const o = await owner();
    await o.apiKeys.create({ name: 'Hang', scopes: ['usage:read'] });
    await deliver();
    let [d] = await deliveries(created.id);
    expect(d!.lastError).toBe('Timed out: no complete answer within 1.5 s.');
    receiver.mode = { hugeBodyBytes: 20 * 1024 * 1024 };
    clock.set(d!.nextAttemptAt);
    await deliver();
    [d] = await deliveries(created.id);
    expect(d).toMatchObject({ status: 'succeeded', lastStatusCode: 200 });
    const log = (await o.webhooks.deliveries({ endpointId: created.id }))[0]!.log;
    expect(log[1]!.responseExcerpt!.length).toBeLessThanOrEqual(1001);
    await o.webhooks.delete({ endpointId: created.id });
  });

  it('disables an endpoint failing for 24 hours, tells the admins, and replays once fixed', async () => {
    const created = await endpoint();
    receiver.mode = { status: 500 };
    const o = await owner();
    await o.apiKeys.create({ name: 'Doomed', scopes: ['usage:read'] });
    const start = clock.now().getTime();
    let attempts = 0;
    for (;;) {
      const [d] = await deliveries(created.id);
      if (d!.status !== 'pending') break;
      clock.set(d!.nextAttemptAt);
      attempts += await deliver();
    }
    const [d] = await deliveries(created.id);
    expect(d!.status).toBe('failed');
    expect(clock.now().getTime() - start).toBe(24 * 3600_000); // the last attempt at the 24-hour mark
    expect(attempts).toBe(14);
    const disabled = await app.services.db.prisma.webhookEndpoint.findFirstOrThrow({ where: { id: created.id } });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'Every delivery failed for 24 hours.' });
    const told = await app.services.db.prisma.notification.findMany({ where: { organizationId: tenant.organizationId, kind: 'webhook.endpoint_disabled' }, select: { userId: true } });
    expect(told.map((n) => n.userId).sort()).toEqual([tenant.people.owner.userId, tenant.people.admin.userId].sort());
    expect(await app.services.db.prisma.outboxEmail.count({ where: { organizationId: tenant.organizationId, subject: 'Meterdesk: a webhook endpoint was disabled' } })).toBe(2);
    // Nothing more goes to a disabled endpoint; replay needs it enabled.
    await o.apiKeys.create({ name: 'After', scopes: ['usage:read'] });
    expect((await deliveries(created.id)).length).toBe(1);
    await expect(o.webhooks.replay({ deliveryId: d!.id })).rejects.toThrow(/enable it before replaying/);
    await o.webhooks.update({ endpointId: created.id, enabled: true });
    receiver.mode = { status: 200 };
    receiver.received.length = 0;
    await o.webhooks.replay({ deliveryId: d!.id });
    await deliver();
    const all = await deliveries(created.id);
    expect(all.at(-1)).toMatchObject({ status: 'succeeded', replayOf: d!.id, eventId: d!.eventId });
    expect(receiver.received).toHaveLength(1);
    await o.webhooks.delete({ endpointId: created.id });
  });

  it('documents the signature header and recipe in the usage API’s OpenAPI description', () => {
    const doc = usageApiOpenApi();
    expect(doc.info.description).toContain('Meterdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>');
    expect(doc.info.description).toContain('`<t>.<raw request body>`');
    expect(Object.keys(doc.webhooks).sort()).toEqual([
      'api_key.created',
      'billing.invoice.paid',
      'billing.invoice.payment_failed',
      'billing.subscription.updated',
      'member.invited',
      'member.removed',
      'sms.campaign.completed',
      'sms.delivery_failed',
      'sms.opt_out',
      'usage.limit_blocked',
      'usage.spike',
      'usage.threshold_reached',
    ]);
  });

  it('refuses hostile text and oversized lists, writing nothing', async () => {
    const o = await owner();
    const before = await databaseFingerprint(app);
    await expect(o.webhooks.create({ url: 'https://example.com/h', events: ['usage.spike'], description: 'line\u001b[31mred' })).rejects.toThrow(/control characters/);
    await expect(o.webhooks.create({ url: 'https://example.com/h', events: ['usage.spike'], description: 'x'.repeat(201) })).rejects.toThrow(/under 200/);
    await expect(o.notifications.markRead({ ids: Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000000') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(o.notifications.markRead({ ids: ['not-a-uuid'] })).rejects.toThrow(/notification ids/);
    await expect(o.webhooks.replay({ deliveryId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await databaseFingerprint(app)).toEqual(before);
  });

  it('lets only owners and admins manage webhooks', async () => {
    for (const person of ['manager', 'member', 'guest'] as const) {
      const caller = await app.createCaller(tenant.people[person].carrier);
      await expect(caller.webhooks.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(caller.webhooks.create({ url: 'https://example.com/h', events: ['usage.spike'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    const admin = await app.createCaller(tenant.people.admin.carrier);
    expect((await admin.webhooks.list()).endpoints).toEqual([]);
  });
});
