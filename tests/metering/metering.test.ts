import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkUsage } from '../../server/metering/check-usage';
import { grantCredits } from '../../server/metering/grant-credits';
import { getUsageSummary } from '../../server/metering/get-usage-summary';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { reserveUsage, type ReserveUsageResult } from '../../server/metering/reserve-usage';
import { setQuotaOverride } from '../../server/metering/set-quota-override';
import { commitReservation, expireReservations, releaseReservation } from '../../server/metering/settle-reservation';
import { verifyUsageCounters } from '../../server/metering/verify-usage-counters';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { AppError } from '../../server/errors';
import { databaseFingerprint, seedTenant, type Tenant } from '../helpers/tenants';
import { expectCountersMatchLedger } from '../helpers/usage-invariants';

describe.each(databaseTargets)('metering engine on $name', (target) => {
  let t: TestApp;
  let slugCounter = 0;
  const db = () => t.app.services.db;
  const reserve = (org: string, metric: 'sms_sent' | 'emails_sent' | 'ai_queries', quantity: number, extra: { user?: string; team?: string; ttlSeconds?: number } = {}) =>
    reserveUsage(db(), org, { metric, quantity, ttlSeconds: extra.ttlSeconds ?? 300, user: extra.user, team: extra.team }, t.clock);
  const reserved = (r: ReserveUsageResult) => {
    expect(r.status, JSON.stringify(r)).toBe('reserved');
    return r as Extract<ReserveUsageResult, { status: 'reserved' }>;
  };
  const counter = async (org: string, scope: 'organization' | 'team' | 'user', scopeId: string, metric: string) => {
    const rows = await db().query<{ used: string; reserved: string; period_start: Date }>(
      `select used, reserved, period_start from usage_counters where organization_id = $1 and scope = $2 and scope_id = $3 and metric = $4 order by period_start`,
      [org, scope, scopeId, metric],
    );
    return rows.map((r) => ({ used: Number(r.used), reserved: Number(r.reserved), periodStart: new Date(r.period_start).toISOString() }));
  };
  async function organization(plan = 'starter', extra: { status?: string; anchor?: Date } = {}): Promise<Tenant> {
    const tenant = await seedTenant(t.app, `m${++slugCounter}`);
    await db().prisma.subscription.create({ data: { organizationId: tenant.organizationId, planKey: plan, status: (extra.status ?? 'active') as 'active', billingAnchor: extra.anchor ?? null } });
    return tenant;
  }

  beforeAll(async () => {
    t = await startTestApp(target);
  });
  afterAll(() => t?.close());
  afterEach(() => expectCountersMatchLedger(db()));

  it('holds a hard cap exactly: reservations fit until the quota is spent, then say which scope refused', async () => {
    const { organizationId: org } = await organization('starter'); // 1,000 SMS included, hard cap
    reserved(await reserve(org, 'sms_sent', 600));
    const over = await reserve(org, 'sms_sent', 401);
    expect(over).toMatchObject({ status: 'blocked', scope: 'organization', limit: 1000, remaining: 400 });
    expect((over as { message: string }).message).toMatch(/quota for sms_sent \(1000\)/);
    const last = reserved(await reserve(org, 'sms_sent', 400));
    expect(last.remaining).toBe(0);
    expect(await counter(org, 'organization', org, 'sms_sent')).toEqual([{ used: 0, reserved: 1000, periodStart: '2026-11-01T00:00:00.000Z' }]);
    // A refusal changed nothing.
    expect(await db().prisma.usageReservation.count({ where: { organizationId: org } })).toBe(2);

    // Committing less than reserved gives the rest back; releasing gives everything back.
    expect(await commitReservation(db(), org, last.reservationId, { quantity: 150 }, t.clock)).toMatchObject({ status: 'committed', committedQuantity: 150 });
    expect(await counter(org, 'organization', org, 'sms_sent')).toEqual([{ used: 150, reserved: 600, periodStart: '2026-11-01T00:00:00.000Z' }]);
    expect(await db().prisma.usageEvent.count({ where: { organizationId: org, metric: 'sms_sent' } })).toBe(1);
    // Settling twice changes nothing, and says it was settled before.
    expect(await commitReservation(db(), org, last.reservationId, {}, t.clock)).toEqual({ status: 'already_committed', committedQuantity: 150 });
    expect(await releaseReservation(db(), org, last.reservationId, t.clock)).toEqual({ status: 'already_committed', committedQuantity: 150 });
    expect(await db().prisma.usageEvent.count({ where: { organizationId: org, metric: 'sms_sent' } })).toBe(1);
  });

  it('applies the chain: per-user limit, then team budget, then the organization', async () => {
    const tenant = await organization('starter');
    const org = tenant.organizationId;
    const p = db().prisma;
    await p.userLimit.create({ data: { organizationId: org, userId: tenant.people.member.userId, metric: 'sms_sent', limit: 50 } });
    await p.teamBudget.create({ data: { organizationId: org, teamId: tenant.managedTeamId, metric: 'sms_sent', limit: 80 } });
    const member = { user: tenant.people.member.userId, team: tenant.managedTeamId };
    const teammate = { user: tenant.people.teammate.userId, team: tenant.managedTeamId };

    reserved(await reserve(org, 'sms_sent', 40, member));
    expect(await reserve(org, 'sms_sent', 11, member)).toMatchObject({ status: 'blocked', scope: 'user', limit: 50, remaining: 10 });
    reserved(await reserve(org, 'sms_sent', 35, teammate));
    expect(await reserve(org, 'sms_sent', 6, teammate)).toMatchObject({ status: 'blocked', scope: 'team', limit: 80, remaining: 5 });
    // The refused team step left the teammate's user counter as it was.
    expect(await counter(org, 'user', tenant.people.teammate.userId, 'sms_sent')).toEqual([{ used: 0, reserved: 35, periodStart: '2026-11-01T00:00:00.000Z' }]);
    // Outside the team, only the organization's quota applies.
    reserved(await reserve(org, 'sms_sent', 500, { user: tenant.people.outsideMember.userId, team: tenant.otherTeamId }));

    const check = await checkUsage(db(), org, { metric: 'sms_sent', quantity: 20, ...member }, t.clock);
    expect(check).toMatchObject({ allowed: false, blockedScope: 'user', remaining: { user: { limit: 50, remaining: 10 }, team: { limit: 80, remaining: 5 }, organization: { limit: 1000, remaining: 425 } } });
    expect((await checkUsage(db(), org, { metric: 'sms_sent', quantity: 5, ...member }, t.clock)).allowed).toBe(true);
  });

  it('blocks sending when the subscription is past due, unpaid or canceled, and when suspended', async () => {
    for (const status of ['past_due', 'unpaid', 'canceled']) {
      const { organizationId: org } = await organization('starter', { status });
      expect(await reserve(org, 'sms_sent', 1)).toMatchObject({ status: 'blocked', scope: status });
    }
    const { organizationId: org } = await organization('starter', { status: 'trialing' });
    reserved(await reserve(org, 'sms_sent', 1));
    await db().prisma.organization.update({ where: { id: org }, data: { suspendedAt: t.clock.now(), suspendedReason: 'abuse' } });
    const blocked = await reserve(org, 'sms_sent', 1);
    expect(blocked).toMatchObject({ status: 'blocked', scope: 'suspended' });
    expect((blocked as { message: string }).message).toMatch(/read-only/);
  });

  it('burns credits past the quota by priority, then soonest expiry, then oldest; a hard cap holds after them', async () => {
    const { organizationId: org } = await organization('free'); // 100 SMS
    const now = t.clock.now();
    const staff = (await seedTenant(t.app, `staff${slugCounter}`)).people.owner.userId;
    const grant = (amount: number, priority: number, days: number | null, reason: string) =>
      grantCredits(db(), staff, { organizationId: org, metric: 'sms_sent', amount, priority, expiresAt: days === null ? undefined : new Date(now.getTime() + days * 86_400_000), reason }, t.clock);
    const neverExpires = await grant(10, 50, null, 'goodwill');
    const late = await grant(10, 50, 30, 'promo late');
    const soon = await grant(10, 50, 5, 'promo soon');
    const first = await grant(10, 10, 60, 'priority');
    t.clock.advance(1000);
    const expired = await grant(100, 0, 1, 'already gone');
    t.clock.advance(2 * 86_400_000);

    reserved(await reserve(org, 'sms_sent', 100)); // the quota
    const r = reserved(await reserve(org, 'sms_sent', 25)); // credits: first (10) → soon (10) → late (5)
    expect(r.creditQuantity).toBe(25);
    const remaining = async () =>
      Object.fromEntries((await db().prisma.creditGrant.findMany({ where: { organizationId: org } })).map((g) => [g.id, Number(g.remaining)]));
    expect(await remaining()).toEqual({ [first.id]: 0, [soon.id]: 0, [late.id]: 5, [neverExpires.id]: 10, [expired.id]: 100 });

    expect(await reserve(org, 'sms_sent', 16)).toMatchObject({ status: 'blocked', scope: 'organization' });
    expect(await remaining()).toEqual({ [first.id]: 0, [soon.id]: 0, [late.id]: 5, [neverExpires.id]: 10, [expired.id]: 100 });

    // Committing part of it returns unused credits, last drawn first.
    await commitReservation(db(), org, r.reservationId, { quantity: 20 }, t.clock);
    expect(await remaining()).toEqual({ [first.id]: 0, [soon.id]: 0, [late.id]: 10, [neverExpires.id]: 10, [expired.id]: 100 });
  });

  it('lets a "bill" plan go past its quota and records the overage', async () => {
    const { organizationId: org } = await organization('pro'); // 5,000 SMS, overage billed
    reserved(await reserve(org, 'sms_sent', 4990));
    const r = reserved(await reserve(org, 'sms_sent', 30));
    expect(r.overageQuantity).toBe(20);
    await commitReservation(db(), org, r.reservationId, {}, t.clock);
    const summary = await getUsageSummary(db(), org, {}, t.clock);
    expect(summary.metrics.find((m) => m.metric === 'sms_sent')).toMatchObject({ used: 30, reserved: 4990, limit: 5000, remaining: 0 });
  });

  it('applies a time-boxed override, and the plan’s quota again once it ends', async () => {
    const { organizationId: org } = await organization('free');
    const staff = (await seedTenant(t.app, `ops${slugCounter}`)).people.owner.userId;
    await setQuotaOverride(db(), staff, { organizationId: org, metric: 'ai_queries', limit: 1000, endsAt: new Date(t.clock.now().getTime() + 3600_000), reason: 'launch week' }, t.clock);
    reserved(await reserve(org, 'ai_queries', 900));
    t.clock.advance(2 * 3600_000);
    expect(await reserve(org, 'ai_queries', 1)).toMatchObject({ status: 'blocked', scope: 'organization', limit: 100 });
    const audit = await db().prisma.auditEvent.findFirst({ where: { organizationId: org, action: 'quota_override.create' } });
    expect(audit).toMatchObject({ reason: 'launch week', after: { limit: 1000 } });
  });

  it('releases expired reservations, and refuses to commit them', async () => {
    const { organizationId: org } = await organization('free');
    const a = reserved(await reserve(org, 'sms_sent', 60, { ttlSeconds: 60 }));
    const b = reserved(await reserve(org, 'sms_sent', 40, { ttlSeconds: 600 }));
    expect(await reserve(org, 'sms_sent', 1)).toMatchObject({ status: 'blocked' });
    t.clock.advance(61_000);
    expect(await expireReservations(db(), t.clock)).toBeGreaterThanOrEqual(1);
    expect(await commitReservation(db(), org, a.reservationId, {}, t.clock)).toEqual({ status: 'already_expired', committedQuantity: 0 });
    reserved(await reserve(org, 'sms_sent', 60));
    t.clock.advance(600_000);
    expect(await commitReservation(db(), org, b.reservationId, {}, t.clock)).toMatchObject({ status: 'expired' });
    expect(await counter(org, 'organization', org, 'sms_sent')).toEqual([{ used: 0, reserved: 60, periodStart: '2026-11-01T00:00:00.000Z' }]);
  });

  it('records an idempotency key once, moves counters per scope, and rejects bad events on their own', async () => {
    const tenant = await organization('starter');
    const org = tenant.organizationId;
    const results = await recordUsageEvents(
      db(),
      org,
      [
        { metric: 'emails_sent', quantity: 5, idempotencyKey: 'mail-1', user: tenant.people.member.userId, team: tenant.managedTeamId, costMicros: 100, resourceType: 'campaign', resourceId: 'c1' },
        { metric: 'emails_sent', quantity: 5, idempotencyKey: 'mail-1' },
        { metric: 'emails_sent', quantity: 0, idempotencyKey: 'mail-2' },
        { metric: 'emails_sent', quantity: 1, idempotencyKey: 'mail-3', user: (await seedTenant(t.app, `x${slugCounter}`)).people.owner.userId },
        { metric: 'emails_sent', quantity: 1, idempotencyKey: 'mail-4', occurredAt: new Date(t.clock.now().getTime() + 3600_000).toISOString() },
        { metric: 'pigeons', quantity: 1, idempotencyKey: 'mail-5' },
      ],
      t.clock,
    );
    expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(results[3]).toMatchObject({ reason: 'user: is not a member of this organization' });
    expect((await recordUsageEvents(db(), org, [{ metric: 'emails_sent', quantity: 5, idempotencyKey: 'mail-1' }], t.clock))[0]!.status).toBe('duplicate');
    expect(await db().prisma.usageEvent.count({ where: { organizationId: org } })).toBe(1);
    expect(await counter(org, 'organization', org, 'emails_sent')).toEqual([{ used: 5, reserved: 0, periodStart: '2026-11-01T00:00:00.000Z' }]);
    expect(await counter(org, 'team', tenant.managedTeamId, 'emails_sent')).toHaveLength(1);
    expect(await counter(org, 'user', tenant.people.member.userId, 'emails_sent')).toHaveLength(1);
  });

  it('keeps the highest reading of a gauge (storage) instead of a sum', async () => {
    const { organizationId: org } = await organization('starter');
    await recordUsageEvents(db(), org, [{ metric: 'storage_mb', quantity: 300, idempotencyKey: 's1' }, { metric: 'storage_mb', quantity: 200, idempotencyKey: 's2' }], t.clock);
    await recordUsageEvents(db(), org, [{ metric: 'storage_mb', quantity: 250, idempotencyKey: 's3' }], t.clock);
    expect(await counter(org, 'organization', org, 'storage_mb')).toEqual([{ used: 300, reserved: 0, periodStart: '2026-11-01T00:00:00.000Z' }]);
    await recordUsageEvents(db(), org, [{ metric: 'storage_mb', quantity: 420, idempotencyKey: 's4' }], t.clock);
    expect((await counter(org, 'organization', org, 'storage_mb'))[0]!.used).toBe(420);
  });

  it('rolls over at the period boundary: calendar months, or the billing anchor', async () => {
    const calendar = (await organization('free')).organizationId;
    const anchored = (await organization('free', { anchor: new Date('2026-01-15T12:00:00Z') })).organizationId;
    t.clock.set(new Date('2026-11-25T00:00:00Z'));
    for (const org of [calendar, anchored]) await recordUsageEvents(db(), org, [{ metric: 'sms_sent', quantity: 100, idempotencyKey: `nov-${org}`, occurredAt: '2026-11-20T00:00:00Z' }], t.clock);
    expect(await reserve(calendar, 'sms_sent', 1)).toMatchObject({ status: 'blocked' });
    expect(await reserve(anchored, 'sms_sent', 1)).toMatchObject({ status: 'blocked' });

    t.clock.set(new Date('2026-12-01T00:00:01Z'));
    const fresh = reserved(await reserve(calendar, 'sms_sent', 100));
    expect(fresh.periodStart.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(await reserve(anchored, 'sms_sent', 1)).toMatchObject({ status: 'blocked' }); // still in Nov 15 – Dec 15
    t.clock.set(new Date('2026-12-15T12:00:00Z'));
    expect(reserved(await reserve(anchored, 'sms_sent', 100)).periodStart.toISOString()).toBe('2026-12-15T12:00:00.000Z');
    const summary = await getUsageSummary(db(), anchored, { period: '2026-11' }, t.clock);
    expect(summary.periodStart.toISOString()).toBe('2026-10-15T12:00:00.000Z');
    const november = await getUsageSummary(db(), calendar, { period: '2026-11' }, t.clock);
    expect(november.metrics.find((m) => m.metric === 'sms_sent')).toMatchObject({ used: 100, limit: 100 });
    t.clock.set(new Date('2026-11-02T09:00:00Z'));
  });
  // Issue 7 item 4: ids are resolved inside the acting organization, in the reservation's own round trip.
  it('refuses a user or team of another organization in a reservation, alone or among a batch, and in a check', async () => {
    const tenant = await organization('starter');
    const org = tenant.organizationId;
    const stranger = await seedTenant(t.app, `stranger${slugCounter}`);
    const before = await databaseFingerprint(t.app);
    expect(await reserve(org, 'sms_sent', 5, { user: stranger.people.member.userId })).toEqual({ status: 'invalid', field: 'user', message: expect.stringMatching(/not a member of this organization/) });
    expect(await reserve(org, 'sms_sent', 5, { team: stranger.managedTeamId })).toEqual({ status: 'invalid', field: 'team', message: expect.stringMatching(/does not exist in this organization/) });
    expect(await databaseFingerprint(t.app)).toEqual(before);

    // Concurrent requests share one call to meterdesk_reserve_batch: the foreign items are refused, the others reserved.
    const results = await Promise.all([
      reserve(org, 'sms_sent', 5, { user: tenant.people.member.userId }),
      reserve(org, 'sms_sent', 5, { user: stranger.people.member.userId, team: tenant.managedTeamId }),
      reserve(org, 'sms_sent', 5, { user: tenant.people.member.userId, team: stranger.otherTeamId }),
      reserve(org, 'sms_sent', 5, { user: tenant.people.teammate.userId, team: tenant.managedTeamId }),
    ]);
    expect(results.map((r) => (r.status === 'invalid' ? `invalid ${r.field}` : r.status))).toEqual(['reserved', 'invalid user', 'invalid team', 'reserved']);
    expect(await counter(org, 'organization', org, 'sms_sent')).toEqual([{ used: 0, reserved: 10, periodStart: '2026-11-01T00:00:00.000Z' }]);
    expect(await counter(org, 'user', stranger.people.member.userId, 'sms_sent')).toEqual([]);
    expect(await counter(org, 'team', stranger.otherTeamId, 'sms_sent')).toEqual([]);
    expect(await db().prisma.usageReservation.count({ where: { organizationId: org } })).toBe(2);

    const refused = await checkUsage(db(), org, { metric: 'sms_sent', quantity: 1, user: stranger.people.owner.userId }, t.clock).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'user' } });
    await expect(checkUsage(db(), org, { metric: 'sms_sent', quantity: 1, team: stranger.managedTeamId }, t.clock)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'team' } });
  });

  // Issue 7 items 7 and 9: the counters never move without their event.
  it('commits a reservation only with its event: a key in use or more than reserved changes nothing and keeps it pending', async () => {
    const tenant = await organization('starter');
    const org = tenant.organizationId;
    await recordUsageEvents(db(), org, [{ metric: 'emails_sent', quantity: 3, idempotencyKey: 'newsletter-1', user: tenant.people.member.userId }], t.clock);
    const r = reserved(await reserve(org, 'emails_sent', 6, { user: tenant.people.member.userId, team: tenant.managedTeamId }));
    const before = await databaseFingerprint(t.app);
    expect(await commitReservation(db(), org, r.reservationId, { idempotencyKey: 'newsletter-1' }, t.clock)).toEqual({ status: 'idempotency_key_in_use', idempotencyKey: 'newsletter-1' });
    expect(await commitReservation(db(), org, r.reservationId, { quantity: 7 }, t.clock)).toEqual({ status: 'commit_exceeds_reservation', reserved: 6, requested: 7 });
    expect(await databaseFingerprint(t.app)).toEqual(before);
    await expectCountersMatchLedger(db());

    // The default key (reservation:<id>) can be taken too.
    await recordUsageEvents(db(), org, [{ metric: 'emails_sent', quantity: 1, idempotencyKey: `reservation:${r.reservationId}` }], t.clock);
    expect(await commitReservation(db(), org, r.reservationId, {}, t.clock)).toEqual({ status: 'idempotency_key_in_use', idempotencyKey: `reservation:${r.reservationId}` });

    const done = await commitReservation(db(), org, r.reservationId, { quantity: 6, idempotencyKey: 'newsletter-2' }, t.clock);
    expect(done).toEqual({ status: 'committed', committedQuantity: 6, eventId: expect.any(String) });
    expect(await counter(org, 'organization', org, 'emails_sent')).toEqual([{ used: 10, reserved: 0, periodStart: '2026-11-01T00:00:00.000Z' }]);
    expect(await counter(org, 'user', tenant.people.member.userId, 'emails_sent')).toEqual([{ used: 9, reserved: 0, periodStart: '2026-11-01T00:00:00.000Z' }]);
    expect(await commitReservation(db(), org, r.reservationId, { quantity: 6, idempotencyKey: 'newsletter-3' }, t.clock)).toEqual({ status: 'already_committed', committedQuantity: 6 });
  });

  // Issue 7 item 10: lone surrogates would both be stored as U+FFFD and collide.
  it('rejects idempotency keys that are not well-formed Unicode instead of reporting them duplicates', async () => {
    const { organizationId: org } = await organization('starter');
    const results = await recordUsageEvents(db(), org, [{ metric: 'documents', quantity: 1, idempotencyKey: '\ud800' }, { metric: 'documents', quantity: 1, idempotencyKey: 'x\udc00' }, { metric: 'documents', quantity: 1, idempotencyKey: 'fine-\ud83d\ude00' }], t.clock);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'accepted']);
    expect(results[0]).toMatchObject({ reason: expect.stringMatching(/^idempotencyKey: .*lone surrogate/) });
    expect(await db().prisma.usageEvent.findMany({ where: { organizationId: org }, select: { idempotencyKey: true } })).toEqual([{ idempotencyKey: 'fine-\ud83d\ude00' }]);
  });

  it('finds a counter that drifted from the ledger', async () => {
    const tenant = await organization('starter');
    const org = tenant.organizationId;
    await recordUsageEvents(db(), org, [{ metric: 'emails_sent', quantity: 4, idempotencyKey: 'd-1', user: tenant.people.member.userId }], t.clock);
    reserved(await reserve(org, 'emails_sent', 2));
    expect((await verifyUsageCounters(db(), { organizationId: org })).mismatches).toEqual([]);
    await db().query(`update usage_counters set used = used + 6 where organization_id = $1 and scope = 'user'`, [org]);
    await db().query(`update usage_counters set reserved = reserved + 1 where organization_id = $1 and scope = 'organization'`, [org]);
    const { countersChecked, mismatches } = await verifyUsageCounters(db(), { organizationId: org });
    expect(countersChecked).toBe(2);
    expect(mismatches).toEqual([
      expect.objectContaining({ scope: 'organization', metric: 'emails_sent', counter: { used: 4, reserved: 3 }, expected: { used: 4, reserved: 2 } }),
      expect.objectContaining({ scope: 'user', scopeId: tenant.people.member.userId, counter: { used: 10, reserved: 0 }, expected: { used: 4, reserved: 0 } }),
    ]);
    // Put it back, so the check after this test passes.
    await db().query(`update usage_counters set used = used - 6 where organization_id = $1 and scope = 'user'`, [org]);
    await db().query(`update usage_counters set reserved = reserved - 1 where organization_id = $1 and scope = 'organization'`, [org]);
  });
});
