import type { Database } from '../db/open-database';
import { GAUGE_METRICS } from './metrics';

export interface CounterMismatch {
  organizationId: string;
  slug: string;
  scope: 'organization' | 'team' | 'user';
  scopeId: string;
  metric: string;
  periodStart: Date;
  /** What the counter row says (0 when the row is missing). */
  counter: { used: number; reserved: number };
  /** What the ledger and the pending reservations say it should be. */
  expected: { used: number; reserved: number };
}

export interface VerifyUsageCountersResult {
  countersChecked: number;
  mismatches: CounterMismatch[];
}

/**
 * The metering invariant: every counter equals what the ledger says, per scope (organization,
 * team, user), metric and period — `used` is the sum of the events (a gauge's highest reading), and
 * `reserved` the sum of pending reservations. A reservation's event counts in the reservation's
 * period (where its commit moved the counter); any other event in the period containing its
 * occurredAt under the subscription's billing anchor (so changing an anchor mid-period shows here).
 * Reads everything, holds nothing: for operators and tests, not for the hot path.
 */
export async function verifyUsageCounters(db: Database, options: { organizationId?: string } = {}): Promise<VerifyUsageCountersResult> {
  const rows = await db.query<{
    organization_id: string;
    slug: string;
    scope: CounterMismatch['scope'];
    scope_id: string;
    metric: string;
    period_start: Date;
    counter_used: string | null;
    counter_reserved: string | null;
    ledger_used: string | null;
    pending_reserved: string | null;
  }>(VERIFY_SQL, [options.organizationId ?? null, GAUGE_METRICS]);
  const [count] = await db.query<{ n: string }>('select count(*) as n from usage_counters where $1::uuid is null or organization_id = $1', [options.organizationId ?? null]);
  return {
    countersChecked: Number(count!.n),
    mismatches: rows.map((r) => ({
      organizationId: r.organization_id,
      slug: r.slug,
      scope: r.scope,
      scopeId: r.scope_id,
      metric: r.metric,
      periodStart: new Date(r.period_start),
      counter: { used: Number(r.counter_used ?? 0), reserved: Number(r.counter_reserved ?? 0) },
      expected: { used: Number(r.ledger_used ?? 0), reserved: Number(r.pending_reserved ?? 0) },
    })),
  };
}

const VERIFY_SQL = `
with orgs as (
  select o.id as organization_id, o.slug, s.billing_anchor
    from organizations o left join subscriptions s on s.organization_id = o.id
   where $1::uuid is null or o.id = $1
),
events as (
  select e.organization_id, e.metric, e.quantity, e.user_id, e.team_id,
         coalesce(r.period_start, meterdesk_period_start(o.billing_anchor, e.occurred_at)) as period_start
    from usage_events e
    join orgs o on o.organization_id = e.organization_id
    left join usage_reservations r on r.organization_id = e.organization_id and r.id = e.reservation_id
),
ledger as (
  select organization_id, scope, scope_id, metric, period_start,
         case when metric = any($2::text[]) then max(quantity) else sum(quantity) end as ledger_used
    from (
      select organization_id, 'organization'::"CounterScope" as scope, organization_id as scope_id, metric, period_start, quantity from events
      union all select organization_id, 'team', team_id, metric, period_start, quantity from events where team_id is not null
      union all select organization_id, 'user', user_id, metric, period_start, quantity from events where user_id is not null
    ) x
   group by organization_id, scope, scope_id, metric, period_start
),
pending as (
  select organization_id, scope, scope_id, metric, period_start, sum(quantity) as pending_reserved
    from (
      select r.organization_id, 'organization'::"CounterScope" as scope, r.organization_id as scope_id, r.metric, r.period_start, r.quantity
        from usage_reservations r join orgs o on o.organization_id = r.organization_id where r.status = 'pending'
      union all select r.organization_id, 'team', r.team_id, r.metric, r.period_start, r.quantity
        from usage_reservations r join orgs o on o.organization_id = r.organization_id where r.status = 'pending' and r.team_id is not null
      union all select r.organization_id, 'user', r.user_id, r.metric, r.period_start, r.quantity
        from usage_reservations r join orgs o on o.organization_id = r.organization_id where r.status = 'pending' and r.user_id is not null
    ) x
   group by organization_id, scope, scope_id, metric, period_start
),
counters as (
  select c.organization_id, c.scope, c.scope_id, c.metric, c.period_start, c.used as counter_used, c.reserved as counter_reserved
    from usage_counters c join orgs o on o.organization_id = c.organization_id
)
select j.*, o.slug
  from (
    select * from counters
      full join ledger using (organization_id, scope, scope_id, metric, period_start)
      full join pending using (organization_id, scope, scope_id, metric, period_start)
  ) j
  join orgs o using (organization_id)
 where coalesce(j.counter_used, 0) <> coalesce(j.ledger_used, 0) or coalesce(j.counter_reserved, 0) <> coalesce(j.pending_reserved, 0)
 order by o.slug, j.metric, j.period_start, j.scope, j.scope_id`;
