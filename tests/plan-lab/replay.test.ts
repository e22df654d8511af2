// What-if replay (issue 14): history recorded through the live reservation path, then replayed.
// The current version reproduces what was recorded (self-check); a quota cut blocks exactly the
// sends past the new cap, in recorded order; only platform staff with the permission may run it,
// hostile input is refused; the CSV export adds up to the table; nothing live is touched.
import { TRPCError } from '@trpc/server';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertChecksIdle } from '../../server/alerts/usage-alert-hooks';
import { commitReservation } from '../../server/metering/settle-reservation';
import { reserveUsage, reserveUsageInput } from '../../server/metering/reserve-usage';
import { catalogPlanTerms, type PlanTerms } from '../../server/plan-lab/plan-terms';
import { replayCsv } from '../../server/plan-lab/replay/replay-csv';
import type { ReplayResult } from '../../server/plan-lab/replay/replay-plan';
import { PLATFORM_ROLES, platformRoleCan } from '../../server/permissions/permissions';
import { databaseTargets } from '../helpers/databases';
import { databaseFingerprint, seedPerson, seedTenant, type Person, type Tenant } from '../helpers/tenants';
import { startTestApp, type MemoryCarrier, type TestApp } from '../helpers/test-app';

type Caller = Awaited<ReturnType<TestApp['app']['createCaller']>>;

describe.each(databaseTargets)('what-if replay on $name', (target) => {
  let t: TestApp;
  let acme: Tenant;
  let bravo: Tenant;
  const staff = {} as Record<'super_admin' | 'support' | 'finance', Person>;
  const as = (carrier: MemoryCarrier): Promise<Caller> => t.app.createCaller(carrier);
  /** Times of acme's SMS sends in October, in order (each one message). */
  const acmeSends: Date[] = [];

  async function send(org: string, at: Date, input: { metric: 'sms_sent'; quantity: number; user?: string; team?: string }) {
    t.clock.set(at);
    const db = t.app.services.db;
    const r = await reserveUsage(db, org, reserveUsageInput.parse(input), t.clock);
    if (r.status === 'reserved') await commitReservation(db, org, r.reservationId, {}, t.clock);
    return r.status;
  }

  beforeAll(async () => {
    t = await startTestApp(target);
    const p = t.app.services.db.prisma;
    acme = await seedTenant(t.app, 'acme');
    bravo = await seedTenant(t.app, 'bravo');
    const home = await seedTenant(t.app, 'platformhq');
    for (const role of PLATFORM_ROLES) {
      staff[role] = await seedPerson(t.app, { organizationId: home.organizationId, slug: 'platformhq' }, role.replace('_', ''));
      await p.user.update({ where: { id: staff[role].userId }, data: { platformRole: role } });
    }
    await p.subscription.create({ data: { organizationId: acme.organizationId, planKey: 'starter', status: 'active', billingInterval: 'month' } });
    await p.subscription.create({ data: { organizationId: bravo.organizationId, planKey: 'pro', status: 'active', billingInterval: 'month' } });
    // acme's member may send 5 SMS a month; bravo's pro plan bills past an override of 10 in October.
    await p.userLimit.create({ data: { organizationId: acme.organizationId, userId: acme.people.member.userId, metric: 'sms_sent', limit: 5 } });
    await p.quotaOverride.create({
      data: { organizationId: bravo.organizationId, id: crypto.randomUUID(), metric: 'sms_sent', limit: 10, startsAt: new Date('2026-10-01T00:00:00Z'), endsAt: new Date('2026-11-01T00:00:00Z'), reason: 'pilot' },
    });

    // acme, October: 25 sends by the admin on the 3rd to the 9th, then 10 on the 10th (09:00 to 09:09),
    // 5 more on the 20th; the member sends 6 on the 12th and the 6th is refused live (limit 5).
    const admin = acme.people.admin.userId;
    for (let i = 0; i < 25; i++) acmeSends.push(new Date(Date.UTC(2026, 9, 3 + (i % 7), 8, i)));
    for (let i = 0; i < 10; i++) acmeSends.push(new Date(Date.UTC(2026, 9, 10, 9, i)));
    for (let i = 0; i < 5; i++) acmeSends.push(new Date(Date.UTC(2026, 9, 20, 10, i)));
    acmeSends.sort((a, b) => a.getTime() - b.getTime());
    for (const at of acmeSends) expect(await send(acme.organizationId, at, { metric: 'sms_sent', quantity: 1, user: admin })).toBe('reserved');
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(await send(acme.organizationId, new Date(Date.UTC(2026, 9, 12, 14, i)), { metric: 'sms_sent', quantity: 1, user: acme.people.member.userId, team: acme.managedTeamId }));
    expect(statuses).toEqual(['reserved', 'reserved', 'reserved', 'reserved', 'reserved', 'blocked']);
    // bravo, October: 14 sends (4 past the override, billed); a September send too.
    for (let i = 0; i < 14; i++) await send(bravo.organizationId, new Date(Date.UTC(2026, 9, 5 + i, 12)), { metric: 'sms_sent', quantity: 1 });
    await send(bravo.organizationId, new Date(Date.UTC(2026, 8, 15, 12)), { metric: 'sms_sent', quantity: 3 });
    await alertChecksIdle(t.app.services.db);
    t.clock.set(new Date('2026-11-02T09:00:00Z'));
  });
  afterAll(() => t?.close());

  const starter = catalogPlanTerms('starter');
  const cut = (terms: PlanTerms, sms: number, monthMinor: number): PlanTerms => ({
    ...terms,
    version: 2,
    quotas: { ...terms.quotas, sms_sent: sms },
    prices: { ...terms.prices, month: { ...terms.prices.month!, amountMinor: monthMinor } },
  });

  it('replaying the current version reproduces the recorded usage, overage and blocks (self-check)', async () => {
    const api = await as(staff.finance.carrier);
    const r = await api.planLabReplay.run({ draft: starter, compareWith: starter, months: 2 });
    expect(r.tenants.map((x) => x.name)).toEqual(['acme Inc']);
    expect(r.selfCheck).toMatchObject({ ok: true, recordedRefused: 0, mismatches: [] });
    expect(r.selfCheck.usage.checked).toBeGreaterThan(0);
    // The member's refused 6th send was recorded as a limit_blocked alert: the replay has the same limit there.
    expect(r.selfCheck.recordedBlocks).toEqual({ checked: 1, matched: 1 });
    expect(r.totals.mrrDeltaMinor).toBe(0);
    expect(r.tenants[0]!.blockedQuantity).toBe(0);

    const pro = catalogPlanTerms('pro');
    const bill = await api.planLabReplay.run({ draft: { ...pro, version: 2, overageUnitPriceMicros: { ...pro.overageUnitPriceMicros, sms_sent: 20_000 } }, compareWith: pro, months: 2 });
    expect(bill.selfCheck).toMatchObject({ ok: true, mismatches: [] });
    expect(bill.selfCheck.overage.matched).toBe(bill.selfCheck.overage.checked);
    const october = bill.tenants[0]!.months.find((m) => m.periodStart.startsWith('2026-10'))!;
    // 4 units past the override: $0.0075 → 3 cents before, $0.02 → 8 cents after.
    expect(october.before.overageMinor).toBe(3);
    expect(october.after.overageMinor).toBe(8);
    expect(bill.totals.mrrDeltaMinor).toBe(bill.totals.mrrAfterMinor - bill.totals.mrrBeforeMinor);
    expect(bill.tenants[0]!.deltaMinor).toBe(5);
  });

  it('a quota cut blocks exactly the sends past the new cap, in recorded order, and says when', async () => {
    const api = await as(staff.super_admin.carrier);
    const before = await databaseFingerprint(t.app);
    const r = await api.planLabReplay.run({ draft: cut(starter, 30, 1900), compareWith: starter, months: 1 });
    const acmeRow = r.tenants[0]!;
    // 45 sends recorded in October (40 by the admin, 5 by the member): a cap of 30 refuses the last 15.
    const october = acmeRow.months[0]!;
    expect(october.blockedQuantity).toBe(15);
    // 25 sends on the 3rd to the 9th, then the 10th's 09:00 to 09:04 fill the cap: the first refused is
    // 09:05, mid-day (5 refused one by one from the events); the 12th and the 20th are refused whole.
    expect(october.firstBlockedAt).toBe('2026-10-10T09:05:00.000Z');
    expect(october.blocked).toEqual([{ metric: 'sms_sent', quantity: 15, events: 5, firstBlockedAt: '2026-10-10T09:05:00.000Z', scopes: ['organization'] }]);
    expect(october.alertsAfter).toEqual(
      expect.arrayContaining([
        { metric: 'sms_sent', scope: 'organization', scopeId: acme.organizationId, kind: 'threshold', threshold: 100, day: '2026-10-10' },
        { metric: 'sms_sent', scope: 'organization', scopeId: acme.organizationId, kind: 'limit_blocked', threshold: 0, day: '2026-10-10' },
      ]),
    );
    expect(october.before.subscriptionMinor).toBe(2900);
    expect(october.after.subscriptionMinor).toBe(1900);
    expect(r.totals).toMatchObject({ tenants: 1, mrrDeltaMinor: -1000, arrDeltaMinor: -12000, better: 0, worse: 1, blockedTenants: 1, revenueAtRiskMinor: acmeRow.mrrBeforeMinor });
    // The replay ran in a rolled-back scratch session: nothing live changed.
    expect(await databaseFingerprint(t.app)).toEqual(before);
    const counters = await t.app.services.db.query<{ used: string }>(`select used::text as used from usage_counters where organization_id = $1 and scope = 'organization' and metric = 'sms_sent' and period_start = '2026-10-01T00:00:00Z'`, [acme.organizationId]);
    expect(counters).toEqual([{ used: '45' }]);

    // A cut that still fits everything blocks nothing and is cheaper: better off.
    const roomy = await api.planLabReplay.run({ draft: cut(starter, 45, 1900), compareWith: starter, months: 1 });
    expect(roomy.totals).toMatchObject({ better: 1, worse: 0, blockedTenants: 0, revenueAtRiskMinor: 0 });
    // A chosen set of tenants, whatever their plan.
    const chosen = await api.planLabReplay.run({ draft: cut(starter, 30, 1900), compareWith: starter, months: 1, organizationIds: [bravo.organizationId] });
    expect(chosen.tenants.map((x) => x.organizationId)).toEqual([bravo.organizationId]);
  });

  it('the CSV export adds up to the table', async () => {
    const api = await as(staff.finance.carrier);
    const r: ReplayResult = await api.planLabReplay.run({ draft: cut(starter, 30, 1900), compareWith: starter, months: 2, organizationIds: [acme.organizationId, bravo.organizationId] });
    const rows = parse(replayCsv(r), { columns: true }) as Array<Record<string, string>>;
    const total = rows.pop()!;
    expect(total.organization_id).toBe('TOTAL');
    const cents = (v: string) => Math.round(Number(v) * 100);
    for (const col of ['before_usd', 'after_usd', 'delta_usd'] as const) {
      expect(rows.reduce((a, x) => a + cents(x[col]!), 0)).toBe(cents(total[col]!));
    }
    expect(cents(total.delta_usd!)).toBe(r.tenants.reduce((a, x) => a + x.deltaMinor, 0));
    expect(cents(total.mrr_after_usd!) - cents(total.mrr_before_usd!)).toBe(r.totals.mrrDeltaMinor);
    expect(rows.map((x) => x.tenant)).toEqual(r.tenants.map((x) => x.name));
    expect(Number(total.blocked_units)).toBe(r.tenants.reduce((a, x) => a + x.blockedQuantity, 0));
  });

  it('is for platform staff with the permission: tenant users and other staff are refused, hostile input too, and nothing is written', async () => {
    const input = { draft: cut(starter, 30, 1900), compareWith: starter, months: 1 };
    const refusedWith = async (carrier: MemoryCarrier, payload: unknown, code: string) => {
      const before = await databaseFingerprint(t.app);
      const error = await (await as(carrier)).planLabReplay.run(payload as typeof input).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe(code);
      expect(await databaseFingerprint(t.app)).toEqual(before);
      return error as TRPCError;
    };
    for (const person of Object.values(acme.people)) await refusedWith(person.carrier, input, 'FORBIDDEN');
    for (const role of PLATFORM_ROLES) {
      if (!platformRoleCan(role, 'platform:plans:replay')) await refusedWith(staff[role].carrier, input, 'FORBIDDEN');
    }
    expect(platformRoleCan('finance', 'platform:plans:replay')).toBe(true);
    const finance = staff.finance.carrier;
    const hostile: Array<[unknown, RegExp]> = [
      [{ ...input, months: 13 }, /at most 12 months/],
      [{ ...input, months: 0 }, /at least 1 month/],
      [{ ...input, draft: { ...input.draft, name: 'Starter\u0000' } }, /control characters/],
      [{ ...input, draft: { ...input.draft, quotas: { sms_sent: -5 } } }, /sms_sent/],
      [{ ...input, draft: { ...input.draft, quotas: { 'sms_sent; drop table plans': 5 } } }, /quotas/],
      [{ ...input, draft: { ...input.draft, planKey: "starter' or 1=1" } }, /plan key/],
      [{ ...input, draft: { ...input.draft, seatPriceMinor: { month: 1.5, year: 0 } } }, /whole cents/],
      [{ ...input, draft: { ...input.draft, extra: true } }, /extra/],
      [{ ...input, organizationIds: ['not-a-uuid'] }, /UUIDs/],
    ];
    for (const [payload, message] of hostile) {
      const error = await refusedWith(finance, payload, 'BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
  });
});
