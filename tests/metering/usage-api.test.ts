import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../server/api-keys/create-api-key';
import { revokeApiKey } from '../../server/api-keys/revoke-api-key';
import { createHttpServer } from '../../server/http/create-http-server';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { expectCountersMatchLedger } from '../helpers/usage-invariants';

describe.each(databaseTargets)('usage API over HTTP on $name', (target) => {
  let t: TestApp;
  let server: FastifyInstance;
  let base: string;
  let tenant: Tenant;
  let writeKey: string;
  let readKey: string;
  let otherOrgKey: string;
  let other: Tenant;

  const api = (path: string, key: string | null, body?: unknown, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
  /** What a refused request may still touch: its rate-limit token and the key's last-used time. */
  const ledger = async () => {
    const { rate_limit_buckets: _bucket, api_keys: _keys, ...rest } = await databaseFingerprint(t.app);
    // A hard cap's refusal deliberately raises a usage.limit_blocked alert (issue 8): usage is unchanged.
    for (const table of ['alert_firings', 'notifications', 'outbox_emails', 'webhook_events', 'webhook_deliveries']) delete rest[table];
    return rest;
  };
  async function expectError(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; details: Record<string, unknown> } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    return body.error;
  }

  beforeAll(async () => {
    // api_requests are flushed at close only here, so no flush lands between a refusal's fingerprints.
    t = await startTestApp(target);
    ({ server } = await createHttpServer({ app: t.app, port: 0, launchToken: 'unused-launch-token-0123456789abc', apiRequestMetering: { intervalMs: 3_600_000, maxPending: 1_000_000 } }).then((s) => ({ server: s.server, port: s.port })));
    base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    tenant = await seedTenant(t.app, 'apico');
    other = await seedTenant(t.app, 'otherco');
    const p = t.app.services.db.prisma;
    await p.subscription.create({ data: { organizationId: tenant.organizationId, planKey: 'starter' } });
    await p.subscription.create({ data: { organizationId: other.organizationId, planKey: 'starter' } });
    const actor = { organizationId: tenant.organizationId, userId: tenant.people.owner.userId };
    writeKey = (await createApiKey(t.app.services.db, actor, { name: 'writer', scopes: ['usage:write', 'usage:read'] }, t.clock)).key;
    readKey = (await createApiKey(t.app.services.db, actor, { name: 'reader', scopes: ['usage:read'] }, t.clock)).key;
    otherOrgKey = (await createApiKey(t.app.services.db, { organizationId: other.organizationId, userId: null }, { name: 'other', scopes: ['usage:write', 'usage:read'] }, t.clock)).key;
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });
  afterEach(() => expectCountersMatchLedger(t.app.services.db));

  it('records one event or a batch, answering a result per event', async () => {
    const one = await api('/v1/usage/events', writeKey, { metric: 'sms_sent', quantity: 2, idempotencyKey: 'single-1', user: tenant.people.member.userId });
    expect(one.status).toBe(202);
    expect(await one.json()).toMatchObject({ accepted: 1, results: [{ index: 0, status: 'accepted' }] });
    const batch = await api('/v1/usage/events', writeKey, {
      events: [
        { metric: 'sms_sent', quantity: 3, idempotencyKey: 'b-1' },
        { metric: 'sms_sent', quantity: 3, idempotencyKey: 'single-1' },
        { metric: 'sms_sent', quantity: -1, idempotencyKey: 'b-2' },
      ],
    });
    expect(batch.status).toBe(202);
    const body = await batch.json();
    expect(body).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    expect(body.results[2].reason).toMatch(/quantity: quantity must be a positive whole number/);

    const summary = await (await api('/v1/usage/summary', readKey)).json();
    expect(summary.metrics.find((m: { metric: string }) => m.metric === 'sms_sent')).toMatchObject({ used: 5, limit: 1000, remaining: 995 });
    // Another tenant's key sees its own numbers only.
    const other = await (await api('/v1/usage/summary', otherOrgKey)).json();
    expect(other.metrics.find((m: { metric: string }) => m.metric === 'sms_sent')).toMatchObject({ used: 0 });
  });

  it('checks, reserves, commits and releases; over the hard cap it answers 402 naming the scope and limit', async () => {
    const check = await (await api('/v1/usage/check', readKey, { metric: 'sms_sent', quantity: 10 })).json();
    expect(check).toMatchObject({ allowed: true, remaining: { organization: { limit: 1000, remaining: 995 } } });

    const created = await api('/v1/usage/reservations', writeKey, { metric: 'sms_sent', quantity: 900 });
    expect(created.status).toBe(201);
    const { reservation } = await created.json();
    expect(reservation).toMatchObject({ metric: 'sms_sent', quantity: 900, remaining: 95 });

    const before = await ledger();
    const refused = await expectError(await api('/v1/usage/reservations', writeKey, { metric: 'sms_sent', quantity: 96 }), 402, 'quota_exceeded');
    expect(refused.details).toEqual({ scope: 'organization', limit: 1000, remaining: 95 });
    expect(await ledger()).toEqual(before);

    const committed = await api(`/v1/usage/reservations/${reservation.id}/commit`, writeKey, { quantity: 800, idempotencyKey: 'campaign-42' });
    expect(await committed.json()).toMatchObject({ status: 'committed', committedQuantity: 800 });
    await expectError(await api(`/v1/usage/reservations/${reservation.id}/release`, writeKey, {}), 409, 'reservation_committed');
    const again = await (await api('/v1/usage/reservations', writeKey, { metric: 'sms_sent', quantity: 100 })).json();
    expect((await (await api(`/v1/usage/reservations/${again.reservation.id}/release`, writeKey, {})).json()).status).toBe('released');
    await expectError(await api(`/v1/usage/reservations/${again.reservation.id}/commit`, otherOrgKey, {}), 404, 'not_found');
  });

  it('refuses bad requests with the same error shape, writing nothing', async () => {
    const before = await ledger();
    const invalid = await expectError(await api('/v1/usage/reservations', writeKey, { metric: 'carrier_pigeons', quantity: 1.5 }), 400, 'invalid_request');
    expect(Object.keys(invalid.details.fields as object).sort()).toEqual(['metric', 'quantity']);
    await expectError(await api('/v1/usage/check', writeKey, '{not json'), 400, 'invalid_json');
    const gauge = await expectError(await api('/v1/usage/reservations', writeKey, { metric: 'storage_mb', quantity: 5 }), 400, 'invalid_request');
    expect(gauge.message).toMatch(/gauge/);
    await expectError(await api('/v1/usage/events', null, { metric: 'sms_sent', quantity: 1, idempotencyKey: 'x' }), 401, 'invalid_api_key');
    await expectError(await api('/v1/usage/events', 'mdk_000000000000_notarealkey', { metric: 'sms_sent', quantity: 1, idempotencyKey: 'x' }), 401, 'invalid_api_key');
    const scope = await expectError(await api('/v1/usage/events', readKey, { metric: 'sms_sent', quantity: 1, idempotencyKey: 'x' }), 403, 'missing_scope');
    expect(scope.details).toMatchObject({ required: 'usage:write' });
    await expectError(await api('/v1/usage/events', writeKey, { events: [] }), 400, 'invalid_request');
    const huge = JSON.stringify({ events: Array.from({ length: 1001 }, (_, i) => ({ metric: 'sms_sent', quantity: 1, idempotencyKey: `k${i}`, metadata: { pad: 'x'.repeat(1100) } })) });
    await expectError(await api('/v1/usage/events', writeKey, huge), 413, 'body_too_large');
    const tooMany = await expectError(await api('/v1/usage/events', writeKey, { events: Array.from({ length: 1001 }, (_, i) => ({ metric: 'sms_sent', quantity: 1, idempotencyKey: `k${i}` })) }), 400, 'invalid_request');
    expect(tooMany.message).toMatch(/At most 1000 events/);
    await expectError(await api('/v1/usage/summary?period=2026-13', readKey), 400, 'invalid_request');
    expect(await ledger()).toEqual(before);
  });

  it('stops a revoked key within seconds', async () => {
    const actor = { organizationId: tenant.organizationId, userId: tenant.people.owner.userId };
    const key = await createApiKey(t.app.services.db, actor, { name: 'temp', scopes: ['usage:read'] }, t.clock);
    expect((await api('/v1/entitlements', key.key)).status).toBe(200);
    await revokeApiKey(t.app.services.db, actor, { apiKeyId: key.id }, t.clock);
    t.clock.advance(6_000);
    await expectError(await api('/v1/entitlements', key.key), 401, 'invalid_api_key');
  });

  it('limits each organization’s request rate with a shared token bucket, answering 429 with Retry-After', async () => {
    const small = await seedTenant(t.app, 'smallco');
    await t.app.services.db.prisma.subscription.create({ data: { organizationId: small.organizationId, planKey: 'starter' } });
    await t.app.services.db.prisma.subscription.update({ where: { organizationId: small.organizationId }, data: { planKey: 'free' } });
    const key = (await createApiKey(t.app.services.db, { organizationId: small.organizationId, userId: null }, { name: 'k', scopes: ['usage:read'] }, t.clock)).key;
    await expectError(await api('/v1/entitlements', key), 403, 'plan_without_api_access');

    await t.app.services.db.prisma.subscription.update({ where: { organizationId: small.organizationId }, data: { planKey: 'starter' } }); // 600 requests a minute
    const statuses: number[] = [];
    for (let i = 0; i < 601; i++) statuses.push((await api('/v1/entitlements', key)).status);
    expect(statuses.slice(0, 600).every((s) => s === 200)).toBe(true);
    const limited = await api('/v1/entitlements', key);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    const error = await expectError(limited, 429, 'rate_limited');
    expect(error.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // The bucket refills with time: 10 requests a second on this plan.
    t.clock.advance(1_000);
    expect((await api('/v1/entitlements', key)).status).toBe(200);
  });

  it('answers entitlements and publishes its OpenAPI description', async () => {
    expect(await (await api('/v1/entitlements', readKey)).json()).toEqual({ plan: 'starter', features: { api_access: true, api_requests_per_minute: 600, max_bots: 3, max_documents: 100, webhooks: false } });
    const spec = await (await fetch(`${base}/v1/openapi.json`)).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths).sort()).toEqual(['/v1/entitlements', '/v1/usage/check', '/v1/usage/events', '/v1/usage/reservations', '/v1/usage/reservations/{id}/commit', '/v1/usage/reservations/{id}/release', '/v1/usage/summary']);
    expect(spec.paths['/v1/usage/reservations'].post.responses['402']).toBeDefined();
  });
  // Issue 7 item 4: ids are resolved inside the key's organization; a foreign one is refused, never recorded.
  it('refuses a reservation or a check naming another organization’s user or team, writing nothing', async () => {
    const before = await ledger();
    const user = await expectError(await api('/v1/usage/reservations', writeKey, { metric: 'sms_sent', quantity: 1, user: other.people.member.userId }), 400, 'invalid_request');
    expect(user.details.fields).toEqual({ user: [expect.stringMatching(/not a member of this organization/)] });
    const team = await expectError(await api('/v1/usage/reservations', writeKey, { metric: 'sms_sent', quantity: 1, user: tenant.people.member.userId, team: other.managedTeamId }), 400, 'invalid_request');
    expect(team.details.fields).toEqual({ team: [expect.stringMatching(/does not exist in this organization/)] });
    const checkUser = await expectError(await api('/v1/usage/check', readKey, { metric: 'sms_sent', quantity: 1, user: other.people.owner.userId }), 400, 'invalid_request');
    expect(checkUser.details.fields).toEqual({ user: [expect.stringMatching(/not a member/)] });
    const checkTeam = await expectError(await api('/v1/usage/check', readKey, { metric: 'sms_sent', quantity: 1, team: other.otherTeamId }), 400, 'invalid_request');
    expect(checkTeam.details.fields).toEqual({ team: [expect.stringMatching(/does not exist/)] });
    expect(await ledger()).toEqual(before);

    // The organization's own people and teams still go through.
    const own = await api('/v1/usage/reservations', writeKey, { metric: 'sms_sent', quantity: 1, user: tenant.people.member.userId, team: tenant.managedTeamId });
    expect(own.status).toBe(201);
    const { reservation } = await own.json();
    expect((await api(`/v1/usage/reservations/${reservation.id}/release`, writeKey, {})).status).toBe(200);
  });

  // Issue 7 items 7 and 9: a commit writes its event and moves the counters together, or does neither and says why.
  it('refuses a commit whose idempotency key another event has, or that exceeds the reservation, and keeps it pending', async () => {
    await api('/v1/usage/events', writeKey, { metric: 'emails_sent', quantity: 3, idempotencyKey: 'mail-batch-7' });
    const { reservation } = await (await api('/v1/usage/reservations', writeKey, { metric: 'emails_sent', quantity: 6, user: tenant.people.member.userId })).json();
    const before = await ledger();

    const inUse = await expectError(await api(`/v1/usage/reservations/${reservation.id}/commit`, writeKey, { idempotencyKey: 'mail-batch-7' }), 409, 'idempotency_key_in_use');
    expect(inUse.details).toEqual({ idempotencyKey: 'mail-batch-7' });
    expect(inUse.message).toMatch(/still pending/);
    const over = await expectError(await api(`/v1/usage/reservations/${reservation.id}/commit`, writeKey, { quantity: 7, idempotencyKey: 'mail-batch-8' }), 409, 'commit_exceeds_reservation');
    expect(over.details).toEqual({ reserved: 6, requested: 7 });
    expect(await ledger()).toEqual(before);

    // Still pending: it commits with another key, once; a second commit is a 409, not a 200.
    const committed = await api(`/v1/usage/reservations/${reservation.id}/commit`, writeKey, { quantity: 6, idempotencyKey: 'mail-batch-8' });
    expect(committed.status).toBe(200);
    expect(await committed.json()).toMatchObject({ status: 'committed', committedQuantity: 6, eventId: expect.any(String) });
    const afterCommit = await ledger();
    const twice = await expectError(await api(`/v1/usage/reservations/${reservation.id}/commit`, writeKey, { quantity: 6, idempotencyKey: 'mail-batch-9' }), 409, 'reservation_committed');
    expect(twice.details).toEqual({ status: 'committed', committedQuantity: 6 });
    await expectError(await api(`/v1/usage/reservations/${reservation.id}/commit`, writeKey, {}), 409, 'reservation_committed');
    expect(await ledger()).toEqual(afterCommit);
  });

  // Issue 7 items 8 and 10: one bad event is rejected on its own; the rest of its batch is recorded.
  it('rejects hostile events one by one and records the valid ones of the same batch', async () => {
    const now = t.clock.now().getTime();
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const valid = (key: string) => `{"metric":"ai_queries","quantity":2,"idempotencyKey":${JSON.stringify(key)},"occurredAt":${JSON.stringify(new Date(now - 34 * 86_400_000).toISOString())}}`;
    const items = [
      valid('hostile-ok-1'),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'nul-\u0000-key' }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'nul-meta', metadata: { note: 'a\u0000b' } }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'nul-resource', resourceId: 'r\u0000' }),
      `{"metric":"ai_queries","quantity":1,"idempotencyKey":"deep-meta","metadata":${deep}}`,
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'big-meta', metadata: { pad: 'x'.repeat(5000) } }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'ancient', occurredAt: '-271821-04-20T00:00:00.000Z' }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'too-old', occurredAt: new Date(now - 36 * 86_400_000).toISOString() }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'too-new', occurredAt: new Date(now + 6 * 60_000).toISOString() }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'not-a-date', occurredAt: 'Invalid Date' }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'feb-31', occurredAt: '2026-02-31T00:00:00Z' }),
      '5',
      'null',
      '"an event"',
      '[]',
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'k'.repeat(100_000) }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1e300, idempotencyKey: 'huge-quantity' }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, costMicros: 1e300, idempotencyKey: 'huge-cost' }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'lone-\ud800' }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'lone-\udc00' }),
      JSON.stringify({ metric: 'ai_queries', quantity: 1, idempotencyKey: 'currency', currency: 'u\u0000d' }),
      valid('hostile-ok-2'),
    ];
    const res = await api('/v1/usage/events', writeKey, `{"events":[${items.join(',')}]}`);
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; rejected: number; results: { status: string; reason?: string; idempotencyKey?: string }[] };
    expect(body.results.map((r) => r.status)).toEqual(['accepted', ...Array(items.length - 2).fill('rejected'), 'accepted']);
    const reasons = body.results.map((r) => r.reason ?? '');
    expect(reasons[1]).toMatch(/^idempotencyKey: .*control characters/);
    expect(reasons[2]).toMatch(/^metadata: .*control characters/);
    expect(reasons[3]).toMatch(/^resourceId: .*control characters/);
    expect(reasons[4]).toMatch(/^metadata: Nested more than 5 levels/);
    expect(reasons[5]).toMatch(/^metadata: Larger than 4,096 bytes/);
    expect(reasons[6]).toMatch(/^occurredAt: .*ISO 8601/);
    expect(reasons[7]).toMatch(/^occurredAt: is more than 35 days ago/);
    expect(reasons[8]).toMatch(/^occurredAt: is more than 5 minutes in the future/);
    expect(reasons[9]).toMatch(/^occurredAt: /);
    expect(reasons[10]).toMatch(/^occurredAt: /);
    for (const i of [11, 12, 13, 14]) expect(reasons[i]).toMatch(/^event: /);
    expect(reasons[15]).toMatch(/^idempotencyKey: .*at most 200/);
    expect(body.results[15]!.idempotencyKey).toBeUndefined(); // a hostile key is not echoed back
    expect(reasons[16]).toMatch(/^quantity: /);
    expect(reasons[17]).toMatch(/^costMicros: /);
    expect(reasons[18]).toMatch(/^idempotencyKey: .*lone surrogate/);
    expect(reasons[19]).toMatch(/^idempotencyKey: .*lone surrogate/);
    expect(reasons[20]).toMatch(/^currency: /);
    const stored = await t.app.services.db.prisma.usageEvent.findMany({ where: { organizationId: tenant.organizationId, metric: 'ai_queries' }, select: { idempotencyKey: true } });
    expect(stored.map((e) => e.idempotencyKey).sort()).toEqual(['hostile-ok-1', 'hostile-ok-2']);
  });

  // Issue 7 item 10: two different keys can never collide.
  it('refuses idempotency keys that are not well-formed Unicode, so \\ud800 and \\udc00 cannot be stored as the same key', async () => {
    const before = await ledger();
    const res = await api('/v1/usage/events', writeKey, { events: [{ metric: 'documents', quantity: 1, idempotencyKey: '\ud800' }, { metric: 'documents', quantity: 1, idempotencyKey: '\udc00' }] });
    const body = await res.json();
    expect(body).toMatchObject({ accepted: 0, duplicates: 0, rejected: 2 });
    expect(await ledger()).toEqual(before);
    const { reservation } = await (await api('/v1/usage/reservations', writeKey, { metric: 'documents', quantity: 1 })).json();
    const reserved = await ledger();
    const bad = await expectError(await api(`/v1/usage/reservations/${reservation.id}/commit`, writeKey, { idempotencyKey: 'doc-\udc00' }), 400, 'invalid_request');
    expect(bad.details.fields).toEqual({ idempotencyKey: [expect.stringMatching(/lone surrogate/)] });
    expect(await ledger()).toEqual(reserved);
    expect((await api(`/v1/usage/reservations/${reservation.id}/release`, writeKey, {})).status).toBe(200);
  });

  // Issue 7 item 8: reservations, checks and commits refuse the same hostile input with a 400 and write nothing.
  it('refuses hostile reservations, checks and commits with a 400, writing nothing', async () => {
    const { reservation } = await (await api('/v1/usage/reservations', writeKey, { metric: 'sms_sent', quantity: 2 })).json();
    const before = await ledger();
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    for (const body of ['5', '"x"', '[]', 'null', JSON.stringify({ metric: 'sms_sent', quantity: 1e300 }), JSON.stringify({ metric: 'sms_sent', quantity: 1, user: 'u\u0000' })]) {
      await expectError(await api('/v1/usage/reservations', writeKey, body), 400, 'invalid_request');
      await expectError(await api('/v1/usage/check', readKey, body), 400, 'invalid_request');
    }
    const commit = (body: string) => api(`/v1/usage/reservations/${reservation.id}/commit`, writeKey, body);
    const fields = async (body: string) => Object.keys((await expectError(await commit(body), 400, 'invalid_request')).details.fields as object);
    expect(await fields(JSON.stringify({ idempotencyKey: 'a\u0000b' }))).toEqual(['idempotencyKey']);
    expect(await fields(JSON.stringify({ metadata: { x: '\u0000' } }))).toEqual(['metadata']);
    expect(await fields(`{"metadata":${deep}}`)).toEqual(['metadata']);
    expect(await fields(JSON.stringify({ resourceId: 'r\u0000' }))).toEqual(['resourceId']);
    expect(await fields(JSON.stringify({ quantity: 1e300 }))).toEqual(['quantity']);
    expect(await fields(JSON.stringify({ idempotencyKey: 'k'.repeat(100_000) }))).toEqual(['idempotencyKey']);
    expect(await fields('[]')).toEqual(['(body)']);
    expect(await ledger()).toEqual(before);
    expect((await api(`/v1/usage/reservations/${reservation.id}/release`, writeKey, {})).status).toBe(200);
  });

  it('documents the commit conflicts and the event limits in its OpenAPI description', async () => {
    const spec = await (await fetch(`${base}/v1/openapi.json`)).json();
    const commit = spec.paths['/v1/usage/reservations/{id}/commit'].post;
    expect(commit.responses['409'].description).toMatch(/commit_exceeds_reservation/);
    expect(commit.responses['409'].description).toMatch(/idempotency_key_in_use/);
    expect(commit.description).toMatch(/more than was reserved/);
    const event = spec.paths['/v1/usage/events'].post.requestBody.content['application/json'].schema.oneOf[0];
    expect(event.properties.occurredAt.description).toMatch(/35 days ago and 5 minutes ahead/);
    expect(event.properties.metadata.description).toMatch(/5 levels deep and 4096 bytes/);
    expect(spec.paths['/v1/usage/reservations'].post.responses['400'].description).toMatch(/another organization/);
  });
});
