// Everything the replay reads from the live database, once, before any scratch session: the
// tenants, their last N full billing periods (by their own billing anchor, as metering counts
// them), their limits, overrides and grants, and the daily rollups of the window — the
// organization's totals, and those of the teams and people who have a budget or limit.
import type { Database } from '../../db/open-database';
import { GAUGE_METRICS } from '../../metering/metrics';

export interface ReplayTenantInfo {
  id: string;
  name: string;
  planKey: string;
  interval: 'month' | 'year';
  activeMembers: number;
  alertThresholds: number[];
  /** Oldest first; [start, end) in epoch ms. */
  periods: Array<{ start: number; end: number }>;
  /** Metrics with recorded usage in the window (gauges excluded: they are measured, never reserved). */
  metrics: string[];
}

export interface DayTotals {
  organization: number;
  users: Map<string, number>;
  teams: Map<string, number>;
}

export interface ReplayLedger {
  tenants: ReplayTenantInfo[];
  userLimits: Map<string, Map<string, number>>;
  teamBudgets: Map<string, Map<string, number>>;
  overrides: Array<{ organizationId: string; metric: string; limit: number | null; startsAt: number; endsAt: number; createdAt: number }>;
  grants: Array<{ organizationId: string; id: string; metric: string; createdAt: number; expiresAt: number | null }>;
  dayTotals(organizationId: string, metric: string, day: string): DayTotals | undefined;
  /** Rollup rows read (the bench compares this with a raw scan of the same events). */
  rollupRows: number;
}

export async function loadReplayLedger(db: Database, input: { planKey: string; organizationIds?: string[]; months: number; now: Date }): Promise<ReplayLedger> {
  const tenantRows = await db.query<{ id: string; name: string; plan_key: string; interval: string | null; members: string; thresholds: number[] }>(
    `select o.id, o.name, coalesce(s.plan_key, 'free') as plan_key, s.billing_interval as interval, o.alert_thresholds as thresholds,
            (select count(*) from memberships m where m.organization_id = o.id and m.status = 'active') as members
       from organizations o left join subscriptions s on s.organization_id = o.id
      where case when $1::uuid[] is null then coalesce(s.plan_key, 'free') = $2 else o.id = any($1::uuid[]) end
      order by o.name, o.id`,
    [input.organizationIds ?? null, input.planKey],
  );
  const ids = tenantRows.map((t) => t.id);
  const periodRows = await db.query<{ id: string; start: Date; finish: Date }>(
    `with recursive p(id, anchor, k, start, finish) as (
       select o.id, s.billing_anchor, 0, meterdesk_period_start(s.billing_anchor, $2::timestamptz), null::timestamptz
         from organizations o left join subscriptions s on s.organization_id = o.id where o.id = any($1::uuid[])
       union all
       select id, anchor, k + 1, meterdesk_period_start(anchor, start - interval '1 millisecond'), start from p where k < $3
     )
     select id, start, finish from p where k > 0 order by id, start`,
    [ids, input.now, input.months],
  );
  const periods = new Map<string, Array<{ start: number; end: number }>>();
  for (const r of periodRows) {
    const list = periods.get(r.id) ?? [];
    list.push({ start: r.start.getTime(), end: r.finish.getTime() });
    periods.set(r.id, list);
  }
  const allPeriods = [...periods.values()].flat();
  const windowStart = allPeriods.length ? new Date(Math.min(...allPeriods.map((p) => p.start))) : input.now;
  const windowEnd = allPeriods.length ? new Date(Math.max(...allPeriods.map((p) => p.end))) : input.now;

  const limitRows = await db.query<{ kind: 'user' | 'team'; organization_id: string; scope_id: string; metric: string; limit: number }>(
    `select 'user' as kind, organization_id, user_id as scope_id, metric, "limit" from user_limits where organization_id = any($1::uuid[])
     union all
     select 'team', organization_id, team_id, metric, "limit" from team_budgets where organization_id = any($1::uuid[])`,
    [ids],
  );
  const userLimits = new Map<string, Map<string, number>>();
  const teamBudgets = new Map<string, Map<string, number>>();
  for (const r of limitRows) {
    const target = r.kind === 'user' ? userLimits : teamBudgets;
    const key = `${r.organization_id}|${r.metric}`;
    if (!target.has(key)) target.set(key, new Map());
    target.get(key)!.set(r.scope_id, Number(r.limit));
  }
  const overrides = (
    await db.query<{ organization_id: string; metric: string; limit: string | null; starts_at: Date; ends_at: Date; created_at: Date }>(
      `select organization_id, metric, "limit", starts_at, ends_at, created_at from quota_overrides
        where organization_id = any($1::uuid[]) and revoked_at is null and ends_at > $2 and starts_at < $3`,
      [ids, windowStart, windowEnd],
    )
  ).map((o) => ({ organizationId: o.organization_id, metric: o.metric, limit: o.limit === null ? null : Number(o.limit), startsAt: o.starts_at.getTime(), endsAt: o.ends_at.getTime(), createdAt: o.created_at.getTime() }));
  const grants = (
    await db.query<{ organization_id: string; id: string; metric: string; created_at: Date; expires_at: Date | null }>(
      `select organization_id, id, metric, created_at, expires_at from credit_grants
        where organization_id = any($1::uuid[]) and created_at < $3 and (expires_at is null or expires_at > $2)`,
      [ids, windowStart, windowEnd],
    )
  ).map((g) => ({ organizationId: g.organization_id, id: g.id, metric: g.metric, createdAt: g.created_at.getTime(), expiresAt: g.expires_at?.getTime() ?? null }));

  // Organization rollups, and those of the scopes with a limit (the only ones a day's check needs).
  const rollups = await db.query<{ o: string; s: string; i: string; m: string; d: string; q: string }>(
    `select r.organization_id as o, r.scope::text as s, r.scope_id as i, r.metric as m, r.day::text as d, r.quantity as q
       from usage_daily_rollups r
      where r.organization_id = any($1::uuid[]) and r.day >= ($2::timestamptz at time zone 'UTC')::date and r.day <= ($3::timestamptz at time zone 'UTC')::date
        and r.metric <> all($4::text[]) and r.quantity > 0
        and (r.scope = 'organization'
             or (r.scope = 'user' and exists (select 1 from user_limits l where l.organization_id = r.organization_id and l.user_id = r.scope_id and l.metric = r.metric))
             or (r.scope = 'team' and exists (select 1 from team_budgets b where b.organization_id = r.organization_id and b.team_id = r.scope_id and b.metric = r.metric)))`,
    [ids, windowStart, windowEnd, GAUGE_METRICS],
  );
  const days = new Map<string, DayTotals>();
  const metrics = new Map<string, Set<string>>();
  for (const r of rollups) {
    const key = `${r.o}|${r.m}|${r.d}`;
    let t = days.get(key);
    if (!t) days.set(key, (t = { organization: 0, users: new Map(), teams: new Map() }));
    const q = Number(r.q);
    if (r.s === 'organization') {
      t.organization += q;
      if (!metrics.has(r.o)) metrics.set(r.o, new Set());
      metrics.get(r.o)!.add(r.m);
    } else (r.s === 'user' ? t.users : t.teams).set(r.i, q);
  }
  return {
    tenants: tenantRows.map((t) => ({
      id: t.id,
      name: t.name,
      planKey: t.plan_key,
      interval: t.interval === 'year' ? 'year' : 'month',
      activeMembers: Number(t.members),
      alertThresholds: t.thresholds ?? [],
      periods: periods.get(t.id) ?? [],
      metrics: [...(metrics.get(t.id) ?? [])].sort(),
    })),
    userLimits,
    teamBudgets,
    overrides,
    grants,
    dayTotals: (o, m, d) => days.get(`${o}|${m}|${d}`),
    rollupRows: rollups.length,
  };
}
