// Daily rollups move with the ledger under concurrency; the summary's current period sees overrides
// that started mid-period; the usage API meters its own requests in batches.
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../server/api-keys/create-api-key';
import { createHttpServer } from '../../server/http/create-http-server';
import { getUsageSummary } from '../../server/metering/get-usage-summary';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { reserveUsage } from '../../server/metering/reserve-usage';
import { setQuotaOverride } from '../../server/metering/set-quota-override';
import { commitReservation } from '../../server/metering/settle-reservation';
import { verifyUsageRollups } from '../../server/metering/verify-usage-rollups';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { seedTenant, type Tenant } from '../helpers/tenants';
import { expectCountersMatchLedger } from '../helpers/usage-invariants';

describe.each(databaseTargets)('usage rollups, summary and api_requests on $name', (target) => {
  let t: TestApp;
  let tenant: Tenant;
  const db = () => t.app.services.db;
  const rollup = async (scope: string, scopeId: string, metric: string) =>
    (
      await db().query<{ day: string; quantity: string; cost_micros: string; price_micros: string }>(
        `select to_char(day, 'YYYY-MM-DD') as day, quantity, cost_micros, price_micros from usage_daily_rollups where organization_id = $1 and scope = $2 and scope_id = $3 and metric = $4 order by day`,
        [tenant.organizationId, scope, scopeId, metric],
      )
    ).map((r) => ({ day: r.day, quantity: Number(r.quantity), cost: Number(r.cost_micros), price: Number(r.price_micros) }));

  beforeAll(async () => {
    t = await startTestApp(target);
    tenant = await seedTenant(t.app, `roll-${target.name}`);
    await db().prisma.subscription.create({ data: { organizationId: tenant.organizationId, planKey: 'growth' } });
  });
  afterAll(() => t?.close());
  afterEach(() => expectCountersMatchLedger(db()));

  it('keeps every scope’s daily rollup equal to the ledger under concurrent batches and reservation commits', async () => {
    const org = tenant.organizationId;
    const people = [tenant.people.member, tenant.people.teammate, tenant.people.outsideMember];
    const teams = [tenant.managedTeamId, tenant.managedTeamId, tenant.otherTeamId];
    // 12 ingestion batches (with duplicates across them, on two days) and 24 reserve → commit, all at once.
    const batches = Array.from({ length: 12 }, (_, b) =>
      recordUsageEvents(
        db(),
        org,
        Array.from({ length: 25 }, (_, i) => ({
          metric: 'sms_sent',
          quantity: 1 + (i % 3),
          idempotencyKey: `c-${(b * 25 + i) % 250}`,
          user: people[i % 3]!.userId,
          team: teams[i % 3],
          occurredAt: i % 2 ? '2026-11-01T23:59:59Z' : '2026-11-02T08:00:00Z',
          costMicros: 100,
          priceMicros: 150,
        })),
        t.clock,
      ),
    );
    const commits = Array.from({ length: 24 }, async (_, i) => {
      const r = await reserveUsage(db(), org, { metric: 'sms_sent', quantity: 4, ttlSeconds: 300, user: people[i % 3]!.userId, team: teams[i % 3] }, t.clock);
      if (r.status !== 'reserved') throw new Error(JSON.stringify(r));
      await commitReservation(db(), org, r.reservationId, { quantity: i % 4 === 0 ? 0 : 3, costMicros: 7, priceMicros: 9 }, t.clock);
    });
    await Promise.all([...batches, ...commits]);
    expect(await verifyUsageRollups(db(), { organizationId: org })).toEqual([]);
    const ledger = await db().query<{ q: string; cost: string }>(`select sum(quantity) as q, sum(cost_micros) as cost from usage_events where organization_id = $1 and metric = 'sms_sent'`, [org]);
    const days = await rollup('organization', org, 'sms_sent');
    expect(days.map((d) => d.day)).toEqual(['2026-11-01', '2026-11-02']);
    expect(days.reduce((s, d) => s + d.quantity, 0)).toBe(Number(ledger[0]!.q));
    expect(days.reduce((s, d) => s + d.cost, 0)).toBe(Number(ledger[0]!.cost));
    // A commit of nothing writes no event and moves no rollup: 18 commits of 3.
    const committed = await db().query<{ q: string }>(`select coalesce(sum(quantity), 0) as q from usage_events where organization_id = $1 and source = 'reservation'`, [org]);
    expect(Number(committed[0]!.q)).toBe(18 * 3);
  });

  it('keeps a gauge’s highest reading of the day', async () => {
    const org = tenant.organizationId;
    await recordUsageEvents(db(), org, [{ metric: 'storage_mb', quantity: 300, idempotencyKey: 'g1' }, { metric: 'storage_mb', quantity: 800, idempotencyKey: 'g2' }], t.clock);
    await recordUsageEvents(db(), org, [{ metric: 'storage_mb', quantity: 500, idempotencyKey: 'g3' }], t.clock);
    expect(await rollup('organization', org, 'storage_mb')).toEqual([{ day: '2026-11-02', quantity: 800, cost: 0, price: 0 }]);
  });

  it('gives the same summary with and without the current period, an override started mid-period included', async () => {
    const org = tenant.organizationId;
    t.clock.set(new Date('2026-11-15T12:00:00Z'));
    await setQuotaOverride(db(), tenant.people.owner.userId, { organizationId: org, metric: 'ai_queries', limit: 123_456, startsAt: new Date('2026-11-10T00:00:00Z'), endsAt: new Date('2027-01-31T00:00:00Z'), reason: 'pilot' }, t.clock);
    const plain = await getUsageSummary(db(), org, {}, t.clock);
    const named = await getUsageSummary(db(), org, { period: '2026-11' }, t.clock);
    expect(named).toEqual(plain);
    expect(named.metrics.find((m) => m.metric === 'ai_queries')?.limit).toBe(123_456);
    // A past period shows what was in force when it closed: the plan's quota, before the override.
    const october = await getUsageSummary(db(), org, { period: '2026-10' }, t.clock);
    expect(october.metrics.find((m) => m.metric === 'ai_queries')?.limit).not.toBe(123_456);
    t.clock.set(new Date('2026-11-02T09:00:00Z'));
  });

  it('meters the usage API’s own requests as api_requests in batches, not an event per request, flushed at shutdown', async () => {
    const org = tenant.organizationId;
    const { key } = await createApiKey(db(), { organizationId: org, userId: null }, { name: 'meter', scopes: ['usage:read'] }, t.clock);
    const { server } = (await createHttpServer({ app: t.app, port: 0, launchToken: 'insight-launch-token-0123456789abcdef', apiRequestMetering: { intervalMs: 3_600_000, maxPending: 5 } })) as { server: FastifyInstance };
    const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    const apiEvents = async () =>
      (await db().query<{ n: string; q: string }>(`select count(*) as n, coalesce(sum(quantity), 0) as q from usage_events where organization_id = $1 and metric = 'api_requests'`, [org])).map((r) => ({ events: Number(r.n), requests: Number(r.q) }))[0]!;
    try {
      for (let i = 0; i < 12; i++) expect((await fetch(`${base}/v1/entitlements`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
      // A refused request (unknown key) is not the organization's and is not counted.
      expect((await fetch(`${base}/v1/entitlements`, { headers: { authorization: 'Bearer mdk_unknown' } })).status).toBe(401);
      await expect.poll(apiEvents).toEqual({ events: 2, requests: 10 });
      // An admitted request answered with an error counts, as a failed outcome.
      expect((await fetch(`${base}/v1/usage/check`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ metric: 'nope' }) })).status).toBe(400);
    } finally {
      await server.close();
    }
    expect(await apiEvents()).toEqual({ events: 3, requests: 13 });
    const keys = await db().query<{ idempotency_key: string }>(`select idempotency_key from usage_events where organization_id = $1 and metric = 'api_requests'`, [org]);
    expect(new Set(keys.map((k) => k.idempotency_key)).size).toBe(3);
    const counter = await db().query<{ used: string }>(`select used from usage_counters where organization_id = $1 and scope = 'organization' and metric = 'api_requests'`, [org]);
    expect(Number(counter[0]!.used)).toBe(13);
    // Their outcomes: twelve answered 200, one 400.
    const api = await t.app.createCaller(tenant.people.owner.carrier);
    const metric = (await api.usage.overview({ scope: 'organization' })).metrics.find((m) => m.metric === 'api_requests')!;
    expect(metric.outcomes).toEqual({ succeeded: 12, failed: 1 });
    expect(metric.successRate).toBeCloseTo(12 / 13, 6);
  });
});
