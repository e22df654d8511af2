import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../server/api-keys/create-api-key';
import { revokeApiKey } from '../../server/api-keys/revoke-api-key';
import { createHttpServer } from '../../server/http/create-http-server';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';

describe.each(databaseTargets)('usage API over HTTP on $name', (target) => {
  let t: TestApp;
  let server: FastifyInstance;
  let base: string;
  let tenant: Tenant;
  let writeKey: string;
  let readKey: string;
  let otherOrgKey: string;

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
    t = await startTestApp(target);
    ({ server } = await createHttpServer({ app: t.app, port: 0, launchToken: 'unused-launch-token-0123456789abc' }).then((s) => ({ server: s.server, port: s.port })));
    base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    tenant = await seedTenant(t.app, 'apico');
    const other = await seedTenant(t.app, 'otherco');
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
});
