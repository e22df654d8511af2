// The live limit chain, run against a scratch copy of its tables. Live reservations are decided by
// meterdesk_reserve_batch (PL/pgSQL, migrations metering + metering_hardening) and invoiced overage
// by meterdesk_settled_overage (overage_outbox). Rather than a second implementation of either, the
// replay calls those very functions inside a session that is always rolled back, after creating
// temporary tables with the same names as the live ones they read and write. PostgreSQL looks up
// unqualified table names in the session's temporary schema first, so the functions see the
// tenant's limits, attribution and the draft's plan instead of the live rows — and nothing live is
// read-locked, written or left behind.
import type { ScratchQuery } from '../../db/open-database';
import type { PlanTerms } from '../plan-terms';

/** Every table the two functions touch (directly or through meterdesk_org_limit and friends). */
const SHADOWED = [
  'organizations',
  'subscriptions',
  'plans',
  'plan_quotas',
  'quota_overrides',
  'credit_grants',
  'user_limits',
  'team_budgets',
  'memberships',
  'teams',
  'usage_counters',
  'usage_reservations',
] as const;

/** The plan key the replayed tenants are put on inside the scratch session. */
export const SCRATCH_PLAN_KEY = '__replay';

export interface ReserveOutcome {
  status: 'reserved' | 'blocked' | 'invalid_user' | 'invalid_team';
  blockedScope: 'user' | 'team' | 'organization' | null;
  limit: number | null;
  /** Units past the included amount paid with prepaid credits. */
  creditQuantity: number;
}

export interface StretchEvent {
  at: Date;
  quantity: number;
  user: string | null;
  team: string | null;
  status: ReserveOutcome['status'];
  blockedScope: ReserveOutcome['blockedScope'];
  creditQuantity: number;
}

// A session-local helper (pg_temp, gone with the session): it only feeds recorded events to the live
// function; every decision is meterdesk_reserve_batch's.
const REPLAY_STRETCH_SQL = `
create function pg_temp.meterdesk_replay_stretch(
  p_org uuid, p_metric text, p_period timestamptz, p_from timestamptz, p_to timestamptz,
  p_scopes text[], p_ids uuid[], p_used bigint[], p_commit boolean
) returns table (at timestamptz, quantity bigint, user_id uuid, team_id uuid, status text, blocked_scope text, credit_quantity bigint)
language plpgsql as $fn$
declare
  v_at timestamptz[]; v_qty bigint[]; v_users uuid[]; v_teams uuid[]; v_ids uuid[]; v_exp timestamptz[];
begin
  insert into pg_temp.usage_counters (organization_id, scope, scope_id, metric, period_start, used, reserved, updated_at)
  select p_org, s::"CounterScope", i, p_metric, p_period, u, 0, p_period from unnest(p_scopes, p_ids, p_used) t(s, i, u)
  on conflict (organization_id, scope, scope_id, metric, period_start) do update set used = excluded.used, reserved = 0;
  select array_agg(e.occurred_at order by e.occurred_at, e.recorded_at, e.id), array_agg(e.quantity order by e.occurred_at, e.recorded_at, e.id),
         array_agg(case when exists (select 1 from pg_temp.user_limits l where l.organization_id = p_org and l.user_id = e.user_id and l.metric = p_metric) then e.user_id end order by e.occurred_at, e.recorded_at, e.id),
         array_agg(case when exists (select 1 from pg_temp.team_budgets b where b.organization_id = p_org and b.team_id = e.team_id and b.metric = p_metric) then e.team_id end order by e.occurred_at, e.recorded_at, e.id),
         array_agg(gen_random_uuid()), array_agg(e.occurred_at + interval '1 hour')
    into v_at, v_qty, v_users, v_teams, v_ids, v_exp
    from public.usage_events e
   where e.organization_id = p_org and e.metric = p_metric and e.occurred_at >= p_from and e.occurred_at < p_to;
  if v_at is null then
    return;
  end if;
  return query
    select v_at[r.idx], v_qty[r.idx], v_users[r.idx], v_teams[r.idx], r.status, r.blocked_scope, r.credit_quantity
      from meterdesk_reserve_batch(p_org, p_metric, v_qty, v_users, v_teams, v_ids, v_exp, v_at[1]) r
     order by r.idx;
  if p_commit then
    update pg_temp.usage_reservations set status = 'committed', committed_quantity = quantity, settled_at = created_at where organization_id = p_org and status = 'pending';
  end if;
end $fn$`;

export class ScratchChain {
  constructor(private q: ScratchQuery) {}

  /**
   * Shadows the chain's tables with temporary copies holding only these tenants, on `terms`:
   * their subscriptions point at a scratch plan with the terms' overage policy and quotas, are
   * active and not suspended (the replay is about plan terms, not payment state); their team
   * budgets, per-user limits and quota overrides are their own; credit grants start empty and
   * are added as the replay reaches the time each was granted (addGrant).
   */
  static async open(q: ScratchQuery, organizationIds: string[], terms: PlanTerms): Promise<ScratchChain> {
    for (const table of SHADOWED) {
      await q(`create temporary table ${table} (like public.${table} including defaults including indexes) on commit drop`);
    }
    // A search path that differs from the default also makes PL/pgSQL re-plan cached statements of
    // this connection, so none keeps pointing at a live table.
    await q('set local search_path = pg_temp, public, pg_catalog');
    const [check] = await q<{ shadowed: boolean }>(`select bool_and(c.relnamespace = pg_my_temp_schema()) as shadowed
       from unnest($1::text[]) t(name) join pg_class c on c.oid = to_regclass(t.name)`, [SHADOWED as unknown as string[]]);
    if (!check?.shadowed) throw new Error('replay scratch session: the chain tables are not shadowed');

    const orgs = [organizationIds];
    await q(`insert into organizations select * from public.organizations where id = any($1::uuid[])`, orgs);
    await q(`update organizations set suspended_at = null`);
    await q(`insert into subscriptions select * from public.subscriptions where organization_id = any($1::uuid[])`, orgs);
    // Version 1 of the scratch plan is the terms (the chain reads the subscription's version's quotas).
    await q(`update subscriptions set plan_key = $1, plan_version = 1, status = 'active'`, [SCRATCH_PLAN_KEY]);
    // Tenants without a subscription row are on the free plan live; here they are on the terms.
    await q(
      `insert into subscriptions (organization_id, plan_key, status, updated_at)
       select o.id, $1, 'active', now() from organizations o where not exists (select 1 from subscriptions s where s.organization_id = o.id)`,
      [SCRATCH_PLAN_KEY],
    );
    await q(`insert into memberships select * from public.memberships where organization_id = any($1::uuid[])`, orgs);
    await q(`insert into teams select * from public.teams where organization_id = any($1::uuid[])`, orgs);
    await q(`insert into user_limits select * from public.user_limits where organization_id = any($1::uuid[])`, orgs);
    await q(`insert into team_budgets select * from public.team_budgets where organization_id = any($1::uuid[])`, orgs);
    await q(`insert into quota_overrides select * from public.quota_overrides where organization_id = any($1::uuid[])`, orgs);
    await q(`insert into plans (key, name, overage_policy) values ($1, $2, $3::"OveragePolicy")`, [SCRATCH_PLAN_KEY, terms.name, terms.overagePolicy]);
    const quotas = Object.entries(terms.quotas);
    await q(
      `insert into plan_quotas (plan_key, version, metric, included) select $1, 1, m, i from unnest($2::text[], $3::bigint[]) t(m, i)`,
      [SCRATCH_PLAN_KEY, quotas.map(([m]) => m), quotas.map(([, v]) => (v === undefined ? null : v))],
    );
    await q(REPLAY_STRETCH_SQL);
    return new ScratchChain(q);
  }

  /**
   * One stretch of a day, in one round trip: the period's counters are set to the replay's running
   * totals, then the recorded events of [from, to) go, in recorded order, to meterdesk_reserve_batch
   * as one batch decided at the first event's time. Events name their person and team only where
   * a limit or budget applies (a scope without one never refuses anything). Returns each event with
   * the chain's decision.
   */
  async replayStretch(
    organizationId: string,
    metric: string,
    periodStart: Date,
    from: Date,
    to: Date,
    counters: Array<{ scope: 'organization' | 'team' | 'user'; id: string; used: number }>,
    commit: boolean,
  ): Promise<StretchEvent[]> {
    const rows = await this.q<{ at: Date; quantity: string; user_id: string | null; team_id: string | null; status: ReserveOutcome['status']; blocked_scope: ReserveOutcome['blockedScope']; credit_quantity: string }>(
      'select * from pg_temp.meterdesk_replay_stretch($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [organizationId, metric, periodStart, from, to, counters.map((c) => c.scope), counters.map((c) => c.id), counters.map((c) => c.used), commit],
    );
    return rows.map((r) => ({ at: r.at, quantity: Number(r.quantity), user: r.user_id, team: r.team_id, status: r.status, blockedScope: r.blocked_scope, creditQuantity: Number(r.credit_quantity) }));
  }

  /** A credit grant becomes usable at its creation: the replay adds it when it gets there, at its full amount. */
  async addGrant(organizationId: string, grantId: string) {
    await this.q(
      `insert into credit_grants (organization_id, id, metric, amount, remaining, priority, expires_at, reason, granted_by_id, created_at)
       select organization_id, id, metric, amount, amount, priority, expires_at, reason, granted_by_id, created_at
         from public.credit_grants where organization_id = $1 and id = $2`,
      [organizationId, grantId],
    );
  }

  /** Overage units each (organization, metric, period) would be invoiced, by the live function, from the replayed usage. */
  async settledOverage(rows: Array<{ organizationId: string; metric: string; periodStart: Date; used: number }>, now: Date): Promise<number[]> {
    if (!rows.length) return [];
    const params = [rows.map((r) => r.organizationId), rows.map((r) => r.metric), rows.map((r) => r.periodStart.toISOString()), rows.map((r) => r.used)];
    await this.q(
      `insert into usage_counters (organization_id, scope, scope_id, metric, period_start, used, reserved, updated_at)
       select o, 'organization', o, m, p, u, 0, p from unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::bigint[]) t(o, m, p, u)
       on conflict (organization_id, scope, scope_id, metric, period_start) do update set used = excluded.used, reserved = 0`,
      params,
    );
    const out = await this.q<{ k: number; units: string }>(
      `select k::int, meterdesk_settled_overage(o, m, p, $4) as units from unnest($1::uuid[], $2::text[], $3::timestamptz[]) with ordinality t(o, m, p, k)`,
      [params[0], params[1], params[2], now],
    );
    const units = new Array<number>(rows.length).fill(0);
    for (const r of out) units[r.k - 1] = Number(r.units);
    return units;
  }
}
