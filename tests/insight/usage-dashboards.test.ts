// Usage dashboards by role: who sees which scope, person and event, from counters and rollups.
import { TRPCError } from '@trpc/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordUsageEvents } from '../../server/metering/record-usage-events';
import { reserveUsage } from '../../server/metering/reserve-usage';
import { commitReservation } from '../../server/metering/settle-reservation';
import { databaseTargets } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { databaseFingerprint, seedTenant, type Person, type Tenant } from '../helpers/tenants';
import { expectCountersMatchLedger } from '../helpers/usage-invariants';

describe.each(databaseTargets)('usage dashboards on $name', (target) => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  const db = () => t.app.services.db;
  const as = async (person: Person) => (await t.client(person.carrier)).api;
  async function refused(run: () => Promise<unknown>, code: 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_REQUEST') {
    const before = await databaseFingerprint(t.app);
    const error = await run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code, (error as Error).message).toBe(code);
    expect(await databaseFingerprint(t.app)).toEqual(before);
  }

  beforeAll(async () => {
    t = await startTestApp(target);
    a = await seedTenant(t.app, 'dash-a');
    b = await seedTenant(t.app, 'dash-b');
    const p = db().prisma;
    await p.subscription.create({ data: { organizationId: a.organizationId, planKey: 'starter' } });
    await p.subscription.create({ data: { organizationId: b.organizationId, planKey: 'starter' } });
    await p.teamBudget.create({ data: { organizationId: a.organizationId, teamId: a.managedTeamId, metric: 'sms_sent', limit: 200 } });
    await p.userLimit.create({ data: { organizationId: a.organizationId, userId: a.people.member.userId, metric: 'sms_sent', limit: 50 } });
    const ev = (key: string, who: keyof Tenant['people'], team: string | undefined, quantity: number, extra: Record<string, unknown> = {}) => ({
      metric: 'sms_sent',
      quantity,
      idempotencyKey: key,
      user: a.people[who].userId,
      team,
      costMicros: quantity * 5600,
      priceMicros: quantity * 7500,
      currency: 'usd',
      ...extra,
    });
    const results = await recordUsageEvents(
      db(),
      a.organizationId,
      [
        ev('m1', 'member', a.managedTeamId, 10, { resourceType: 'campaign', resourceId: 'cmp-1', metadata: { campaign: 'Black Friday' } }),
        ev('m2', 'teammate', a.managedTeamId, 20),
        ev('m3', 'outsideMember', a.otherTeamId, 30),
        ev('m4', 'owner', undefined, 40),
      ],
      t.clock,
    );
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    // And one through a reservation, committed with cost and price.
    const r = await reserveUsage(db(), a.organizationId, { metric: 'sms_sent', quantity: 5, ttlSeconds: 300, user: a.people.member.userId, team: a.managedTeamId }, t.clock);
    expect(r.status).toBe('reserved');
    await commitReservation(db(), a.organizationId, (r as { reservationId: string }).reservationId, { costMicros: 28000, priceMicros: 37500, currency: 'usd' }, t.clock);
    await recordUsageEvents(db(), b.organizationId, [{ metric: 'sms_sent', quantity: 99, idempotencyKey: 'b1', user: b.people.member.userId, team: b.managedTeamId }], t.clock);
  });
  afterAll(() => t?.close());
  afterEach(() => expectCountersMatchLedger(db()));

  it('shows owners the organization, with limit, remaining, projection and cost from counters and rollups', async () => {
    const api = await as(a.people.owner);
    const o = await api.usage.overview({ scope: 'organization' });
    const sms = o.metrics.find((m) => m.metric === 'sms_sent')!;
    expect(sms).toMatchObject({ used: 105, reserved: 0, limit: 1000, remaining: 895, costMicros: 105 * 5600, priceMicros: 105 * 7500 });
    expect(o.reach.level).toBe('organization');
    expect(o.reach.teams.map((x) => x.name).sort()).toEqual(['Sales', 'Support']);
    expect(o.alertThresholds).toEqual([50, 75, 80, 90, 100]);
    // 2 Nov 09:00 of a 30-day November: 1 day 9 hours gone; 105 so far projects to 105 × 30 d / 33 h.
    expect(sms.projected).toBe(Math.round((105 * 30 * 24) / 33));
    expect(sms).toMatchObject({ willExceed: true, projectedOverage: sms.projected - 1000 });
    expect(o.daysLeft).toBe(29);

    const byTeam = await api.usage.breakdown({ scope: 'organization', metric: 'sms_sent' });
    expect(byTeam.rows.map((r) => [r.name, r.used, r.limit])).toEqual([
      ['Sales', 35, 200],
      ['Support', 30, null],
    ]);
    expect(byTeam.series.at(-1)).toMatchObject({ day: '2026-11-02', [a.managedTeamId]: 35, [a.otherTeamId]: 30, other: 40, total: 105 });
    const byPerson = await api.usage.breakdown({ scope: 'organization', metric: 'sms_sent', by: 'person' });
    expect(byPerson.rows.map((r) => r.used)).toEqual([40, 30, 20, 15]);

    const events = await api.usage.events({});
    expect(events.events).toHaveLength(5);
    const m1 = events.events.find((e) => e.idempotencyKey === 'm1')!;
    expect(m1).toMatchObject({ user: { id: a.people.member.userId }, team: { id: a.managedTeamId, name: 'Sales' }, resourceType: 'campaign', resourceId: 'cmp-1', metadata: { campaign: 'Black Friday' } });
  });

  it('shows a manager their teams and their people only, never other teams’ people or events', async () => {
    const api = await as(a.people.manager);
    await refused(() => api.usage.overview({ scope: 'organization' }), 'FORBIDDEN');
    await refused(() => api.usage.overview({ scope: 'team', id: a.otherTeamId }), 'FORBIDDEN');
    await refused(() => api.usage.overview({ scope: 'user', id: a.people.outsideMember.userId }), 'FORBIDDEN');
    await refused(() => api.usage.overview({ scope: 'user', id: a.people.owner.userId }), 'FORBIDDEN');
    await refused(() => api.usage.breakdown({ scope: 'organization', metric: 'sms_sent' }), 'FORBIDDEN');
    await refused(() => api.usage.events({ userId: a.people.outsideMember.userId }), 'FORBIDDEN');
    await refused(() => api.usage.events({ teamId: a.otherTeamId }), 'FORBIDDEN');

    const team = await api.usage.overview({ scope: 'team', id: a.managedTeamId });
    expect(team.metrics.find((m) => m.metric === 'sms_sent')).toMatchObject({ used: 35, limit: 200, remaining: 165 });
    expect(team.reach.teams.map((x) => x.id)).toEqual([a.managedTeamId]);
    const people = await api.usage.breakdown({ scope: 'team', id: a.managedTeamId, metric: 'sms_sent' });
    expect(people.rows.map((r) => r.id).sort()).toEqual([a.people.manager.userId, a.people.member.userId, a.people.teammate.userId].sort());
    expect(people.rows.find((r) => r.id === a.people.member.userId)).toMatchObject({ used: 15, limit: 50, percent: 30 });
    const person = await api.usage.overview({ scope: 'user', id: a.people.member.userId });
    expect(person.metrics.find((m) => m.metric === 'sms_sent')).toMatchObject({ used: 15, limit: 50 });

    const events = await api.usage.events({});
    expect(events.events.map((e) => e.idempotencyKey).sort()).toEqual(['m1', 'm2', 'reservation:' + events.events.find((e) => e.reservationId)!.reservationId].sort());
    const memberEvents = await api.usage.events({ userId: a.people.member.userId, metric: 'sms_sent' });
    expect(memberEvents.events).toHaveLength(2);
    const text = JSON.stringify([team, people, person, events]);
    expect(text).not.toContain(a.people.outsideMember.userId);
    expect(text).not.toContain(a.people.owner.userId);
  });

  it('shows members and guests only their own usage and events', async () => {
    for (const who of [a.people.member, a.people.guest]) {
      const api = await as(who);
      const own = await api.usage.overview({ scope: 'user' });
      expect(own.scope.id).toBe(who.userId);
      expect(own.reach).toMatchObject({ level: 'own', teams: [] });
      await refused(() => api.usage.overview({ scope: 'user', id: a.people.teammate.userId }), 'FORBIDDEN');
      await refused(() => api.usage.overview({ scope: 'team', id: a.managedTeamId }), 'FORBIDDEN');
      await refused(() => api.usage.events({ teamId: a.managedTeamId }), 'FORBIDDEN');
      const events = await api.usage.events({});
      expect(events.events.every((e) => e.user?.id === who.userId)).toBe(true);
    }
    const member = await as(a.people.member);
    expect((await member.usage.events({})).events).toHaveLength(2);
    expect((await member.usage.overview({ scope: 'user' })).metrics.find((m) => m.metric === 'sms_sent')).toMatchObject({ used: 15, limit: 50, remaining: 35, costMicros: 15 * 5600 });
  });

  it('refuses ids of another organization as not found, whatever the role', async () => {
    const owner = await as(a.people.owner);
    await refused(() => owner.usage.overview({ scope: 'team', id: b.managedTeamId }), 'NOT_FOUND');
    await refused(() => owner.usage.overview({ scope: 'user', id: b.people.member.userId }), 'NOT_FOUND');
    await refused(() => owner.usage.breakdown({ scope: 'team', id: b.managedTeamId, metric: 'sms_sent' }), 'NOT_FOUND');
    await refused(() => owner.usage.events({ userId: b.people.member.userId }), 'NOT_FOUND');
    await refused(() => owner.usage.events({ teamId: b.managedTeamId }), 'NOT_FOUND');
    const all = JSON.stringify(await owner.usage.events({ limit: 200 }));
    expect(all).not.toContain(b.people.member.userId);
  });

  it('pages through events newest first with a keyset cursor, and filters by resource and time', async () => {
    const owner = await as(a.people.owner);
    const seen: string[] = [];
    let cursor: { occurredAt: Date; id: string } | undefined;
    for (;;) {
      const page = await owner.usage.events({ limit: 2, cursor });
      seen.push(...page.events.map((e) => e.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect((await owner.usage.events({ resourceType: 'campaign', resourceId: 'cmp-1' })).events.map((e) => e.idempotencyKey)).toEqual(['m1']);
    expect((await owner.usage.events({ from: new Date('2026-11-03T00:00:00Z') })).events).toHaveLength(0);
    await refused(() => owner.usage.events({ from: new Date('2026-11-03T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }), 'BAD_REQUEST');
    await refused(() => owner.usage.events({ resourceType: 'bad\u0007type' }), 'BAD_REQUEST');
    await refused(() => owner.usage.events({ limit: 10_000 }), 'BAD_REQUEST');
    await refused(() => owner.usage.overview({ scope: 'organization', period: '2027-05' }), 'BAD_REQUEST');
  });

  it('applies a budget changed from the dashboard to the next reservation, and shows it beside what was used', async () => {
    const owner = await as(a.people.owner);
    await owner.teams.setBudgets({ teamId: a.otherTeamId, budgets: [{ metric: 'sms_sent', limit: 32 }] });
    expect((await owner.usage.overview({ scope: 'team', id: a.otherTeamId })).metrics.find((m) => m.metric === 'sms_sent')).toMatchObject({ used: 30, limit: 32, remaining: 2 });
    const blocked = await reserveUsage(db(), a.organizationId, { metric: 'sms_sent', quantity: 3, ttlSeconds: 60, team: a.otherTeamId }, t.clock);
    expect(blocked).toMatchObject({ status: 'blocked', scope: 'team', limit: 32, remaining: 2 });
    // A manager cannot change budgets (teams:manage), from the dashboard or anywhere.
    const manager = await as(a.people.manager);
    await refused(() => manager.teams.setBudgets({ teamId: a.managedTeamId, budgets: [{ metric: 'sms_sent', limit: 1 }] }), 'FORBIDDEN');
    await owner.teams.setBudgets({ teamId: a.otherTeamId, budgets: [{ metric: 'sms_sent', limit: null }] });
  });

  it('compares with the previous period and shows past periods as they closed', async () => {
    const owner = await as(a.people.owner);
    const october = await owner.usage.overview({ scope: 'organization', period: '2026-10' });
    expect(october.current).toBe(false);
    expect(october.daysLeft).toBe(0);
    expect(october.metrics.find((m) => m.metric === 'sms_sent')).toMatchObject({ used: 0, projected: 0 });
    const november = await owner.usage.breakdown({ scope: 'organization', metric: 'sms_sent' });
    expect(november.previousUsed).toBe(0);
    expect(november.comparison[1]).toMatchObject({ day: 2, current: 105, previous: 0 });
    expect(november.comparison[2]).toMatchObject({ day: 3, current: null });
  });
});
