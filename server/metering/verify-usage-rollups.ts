import type { Database } from '../db/open-database';
import { GAUGE_METRICS } from './metrics';

export interface RollupMismatch {
  organizationId: string;
  scope: 'organization' | 'team' | 'user';
  scopeId: string;
  metric: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  rollup: { quantity: number; costMicros: number; priceMicros: number };
  expected: { quantity: number; costMicros: number; priceMicros: number };
}

/**
 * The rollup invariant: every usage_daily_rollups row equals the ledger's events of its scope,
 * metric and UTC day (quantity summed, a gauge's highest reading; cost and price summed), and no
 * day of the ledger lacks its row. Reads everything: for operators and tests, not the dashboards.
 */
export async function verifyUsageRollups(db: Database, options: { organizationId?: string } = {}): Promise<RollupMismatch[]> {
  const rows = await db.query<{
    organization_id: string;
    scope: RollupMismatch['scope'];
    scope_id: string;
    metric: string;
    day: string;
    r_quantity: string | null;
    r_cost: string | null;
    r_price: string | null;
    l_quantity: string | null;
    l_cost: string | null;
    l_price: string | null;
  }>(VERIFY_SQL, [options.organizationId ?? null, GAUGE_METRICS]);
  return rows.map((r) => ({
    organizationId: r.organization_id,
    scope: r.scope,
    scopeId: r.scope_id,
    metric: r.metric,
    day: r.day,
    rollup: { quantity: Number(r.r_quantity ?? 0), costMicros: Number(r.r_cost ?? 0), priceMicros: Number(r.r_price ?? 0) },
    expected: { quantity: Number(r.l_quantity ?? 0), costMicros: Number(r.l_cost ?? 0), priceMicros: Number(r.l_price ?? 0) },
  }));
}

const VERIFY_SQL = `
with events as (
  select organization_id, metric, quantity, user_id, team_id, coalesce(cost_micros, 0) as cost, coalesce(price_micros, 0) as price,
         (occurred_at at time zone 'UTC')::date as day
    from usage_events where $1::uuid is null or organization_id = $1
),
ledger as (
  select organization_id, scope, scope_id, metric, day,
         case when metric = any($2::text[]) then max(quantity) else sum(quantity) end as l_quantity, sum(cost) as l_cost, sum(price) as l_price
    from (
      select organization_id, 'organization'::"CounterScope" as scope, organization_id as scope_id, metric, day, quantity, cost, price from events
      union all select organization_id, 'team', team_id, metric, day, quantity, cost, price from events where team_id is not null
      union all select organization_id, 'user', user_id, metric, day, quantity, cost, price from events where user_id is not null
    ) x
   group by organization_id, scope, scope_id, metric, day
),
rollups as (
  select organization_id, scope, scope_id, metric, day, quantity as r_quantity, cost_micros as r_cost, price_micros as r_price
    from usage_daily_rollups where $1::uuid is null or organization_id = $1
)
select organization_id, scope, scope_id, metric, to_char(day, 'YYYY-MM-DD') as day, r_quantity, r_cost, r_price, l_quantity, l_cost, l_price
  from rollups full join ledger using (organization_id, scope, scope_id, metric, day)
 where coalesce(r_quantity, 0) <> coalesce(l_quantity, 0) or coalesce(r_cost, 0) <> coalesce(l_cost, 0) or coalesce(r_price, 0) <> coalesce(l_price, 0)
 order by organization_id, metric, day, scope, scope_id`;
