// Decides which usage alerts fire, for the counters a batch of usage just moved. Firing is one
// INSERT … ON CONFLICT DO NOTHING RETURNING on alert_firings' unique key (organization, kind, scope,
// scope id, metric, period, threshold): whatever the number of processes checking the same counter
// at once, exactly one of them gets the row back and announces it.
import type { Database } from '../db/open-database';

export interface UsageTouch {
  metric: string;
  userId?: string | null;
  teamId?: string | null;
}

/** A day needs at least this much usage to count as a spike (a handful of sends is not news). */
export const SPIKE_MIN_QUANTITY = 10;
export const SPIKE_TRAILING_DAYS = 7;

/**
 * Threshold alerts: each touched scope (the organization, and the teams and people the usage was
 * attributed to) whose counter for the current period has reached a threshold of its limit (the
 * organization's quota or override, the team's budget, the person's limit). Reservations are read
 * for their metric, team and person. Returns the ids of the firings this call created.
 */
export async function checkThresholdAlerts(db: Database, organizationId: string, touches: UsageTouch[], reservationIds: string[], now: Date): Promise<string[]> {
  const metrics: string[] = [];
  const scopes: string[] = [];
  const ids: string[] = [];
  const add = (metric: string, scope: string, id: string) => (metrics.push(metric), scopes.push(scope), ids.push(id));
  for (const t of touches) {
    add(t.metric, 'organization', organizationId);
    if (t.teamId) add(t.metric, 'team', t.teamId);
    if (t.userId) add(t.metric, 'user', t.userId);
  }
  const rows = await db.query<{ id: string }>(THRESHOLD_SQL, [organizationId, now, metrics, scopes, ids, reservationIds]);
  return rows.map((r) => r.id);
}

const THRESHOLD_SQL = `
with org as (
  select o.alert_thresholds, coalesce(s.plan_key, 'free') as plan_key, meterdesk_period_start(s.billing_anchor, $2::timestamptz) as period_start
    from organizations o left join subscriptions s on s.organization_id = o.id
   where o.id = $1::uuid
),
touched as (
  select distinct metric, scope::"CounterScope" as scope, scope_id from (
    select t.metric, t.scope, t.scope_id from unnest($3::text[], $4::text[], $5::uuid[]) as t(metric, scope, scope_id)
    union all
    select r.metric, x.scope, x.scope_id
      from usage_reservations r
      cross join lateral (values ('organization', r.organization_id), ('team', r.team_id), ('user', r.user_id)) as x(scope, scope_id)
     where r.organization_id = $1::uuid and r.id = any($6::uuid[]) and x.scope_id is not null
  ) all_touches
),
state as (
  select t.metric, t.scope, t.scope_id, org.period_start, c.used,
         case t.scope
           when 'organization' then (select case when l.metered then l.lim end from meterdesk_org_limit($1::uuid, org.plan_key, t.metric, $2::timestamptz) l)
           when 'team' then (select b."limit"::bigint from team_budgets b where b.organization_id = $1::uuid and b.team_id = t.scope_id and b.metric = t.metric)
           else (select u."limit"::bigint from user_limits u where u.organization_id = $1::uuid and u.user_id = t.scope_id and u.metric = t.metric)
         end as lim
    from touched t cross join org
    join usage_counters c on c.organization_id = $1::uuid and c.scope = t.scope and c.scope_id = t.scope_id and c.metric = t.metric and c.period_start = org.period_start
)
insert into alert_firings (organization_id, id, kind, scope, scope_id, metric, period_start, threshold, used, "limit", fired_at)
select $1::uuid, gen_random_uuid(), 'threshold', s.scope, s.scope_id, s.metric, s.period_start, th, s.used, s.lim, $2::timestamptz
  from state s cross join org cross join unnest(org.alert_thresholds) as th
 where s.lim > 0 and s.used * 100 >= s.lim * th
   -- Most checks find the thresholds already fired: skip them without an insert attempt.
   and not exists (select 1 from alert_firings f where f.organization_id = $1::uuid and f.kind = 'threshold' and f.scope = s.scope and f.scope_id = s.scope_id
                      and f.metric = s.metric and f.period_start = s.period_start and f.threshold = th)
 order by s.scope, s.scope_id, s.metric, th
on conflict do nothing
returning id`;

/**
 * Spike alerts, organization-wide: today's (UTC) usage of a metric, from the daily rollups, at
 * least the organization's multiplier (default 3×) times its average over the 7 days before, and at
 * least SPIKE_MIN_QUANTITY. Once per metric and day. `metrics` null checks every metric with usage today.
 */
export async function checkSpikeAlerts(db: Database, organizationId: string, metrics: string[] | null, now: Date): Promise<string[]> {
  const rows = await db.query<{ id: string }>(SPIKE_SQL, [organizationId, now, metrics, SPIKE_TRAILING_DAYS, SPIKE_MIN_QUANTITY]);
  return rows.map((r) => r.id);
}

const SPIKE_SQL = `
with today as (
  select r.metric, r.quantity, ($2::timestamptz at time zone 'UTC')::date as day
    from usage_daily_rollups r
   where r.organization_id = $1::uuid and r.scope = 'organization' and r.scope_id = $1::uuid
     and r.day = ($2::timestamptz at time zone 'UTC')::date
     and ($3::text[] is null or r.metric = any($3::text[]))
),
trail as (
  select t.metric, t.quantity, t.day,
         (select coalesce(sum(p.quantity), 0) from usage_daily_rollups p
           where p.organization_id = $1::uuid and p.scope = 'organization' and p.scope_id = $1::uuid and p.metric = t.metric
             and p.day >= t.day - $4::int and p.day < t.day)::numeric / $4::int as average
    from today t
)
insert into alert_firings (organization_id, id, kind, scope, scope_id, metric, period_start, threshold, used, "limit", fired_at)
select $1::uuid, gen_random_uuid(), 'spike', 'organization', $1::uuid, t.metric, t.day::timestamp at time zone 'UTC', 0, t.quantity, ceil(t.average)::bigint, $2::timestamptz
  from trail t join organizations o on o.id = $1::uuid
 where t.average > 0 and t.quantity >= $5::bigint and t.quantity >= o.spike_multiplier * t.average
   and not exists (select 1 from alert_firings f where f.organization_id = $1::uuid and f.kind = 'spike' and f.scope = 'organization' and f.scope_id = $1::uuid
                      and f.metric = t.metric and f.period_start = t.day::timestamp at time zone 'UTC' and f.threshold = 0)
on conflict do nothing
returning id`;

/** A hard cap refused a send: one limit_blocked alert per scope, metric and UTC day. */
export async function recordLimitBlocked(db: Database, organizationId: string, metric: string, scope: 'organization' | 'team' | 'user', scopeId: string, limit: number | null, now: Date): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `insert into alert_firings (organization_id, id, kind, scope, scope_id, metric, period_start, threshold, used, "limit", fired_at)
     values ($1, gen_random_uuid(), 'limit_blocked', $2::"CounterScope", $3, $4, date_trunc('day', $5::timestamptz at time zone 'UTC') at time zone 'UTC', 0, coalesce($6::bigint, 0), $6::bigint, $5)
     on conflict do nothing returning id`,
    [organizationId, scope, scopeId, metric, now, limit],
  );
  return rows.map((r) => r.id);
}
