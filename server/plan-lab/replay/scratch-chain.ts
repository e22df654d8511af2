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

export interface ReserveItem {
  quantity: number;
  user: string | null;
  team: string | null;
}

export interface ReserveOutcome {
  status: 'reserved' | 'blocked' | 'invalid_user' | 'invalid_team';
  blockedScope: 'user' | 'team' | 'organization' | null;
  limit: number | null;
  /** Units past the included amount paid with prepaid credits. */
  creditQuantity: number;
}

export class ScratchChain {
  private ids = 0;
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
    await q(`update subscriptions set plan_key = $1, status = 'active'`, [SCRATCH_PLAN_KEY]);
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
      `insert into plan_quotas (plan_key, metric, included) select $1, m, i from unnest($2::text[], $3::bigint[]) t(m, i)`,
      [SCRATCH_PLAN_KEY, quotas.map(([m]) => m), quotas.map(([, v]) => (v === undefined ? null : v))],
    );
    return new ScratchChain(q);
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

  async creditsAvailable(organizationId: string, metric: string, at: Date): Promise<number> {
    const [row] = await this.q<{ n: string }>(
      `select coalesce(sum(remaining), 0) as n from credit_grants where organization_id = $1 and metric = $2 and remaining > 0 and (expires_at is null or expires_at > $3)`,
      [organizationId, metric, at],
    );
    return Number(row?.n ?? 0);
  }

  /** Sets the period's counters of these scopes to the replay's running totals (nothing reserved). */
  async setCounters(organizationId: string, metric: string, periodStart: Date, scopes: Array<{ scope: 'organization' | 'team' | 'user'; id: string; used: number }>) {
    if (!scopes.length) return;
    await this.q(
      `insert into usage_counters (organization_id, scope, scope_id, metric, period_start, used, reserved, updated_at)
       select $1, s::"CounterScope", i, $2, $3, u, 0, $3 from unnest($4::text[], $5::uuid[], $6::bigint[]) t(s, i, u)
       on conflict (organization_id, scope, scope_id, metric, period_start) do update set used = excluded.used, reserved = 0`,
      [organizationId, metric, periodStart, scopes.map((s) => s.scope), scopes.map((s) => s.id), scopes.map((s) => s.used)],
    );
  }

  /**
   * The live reservation function, verbatim: the items are decided in order as one batch at `now`
   * (the time of the first of them). Reserved items are then committed, so credits they drew count
   * for meterdesk_settled_overage as they do live.
   */
  async reserve(organizationId: string, metric: string, items: ReserveItem[], now: Date, commit: boolean): Promise<ReserveOutcome[]> {
    const ids = items.map(() => this.nextId());
    const expires = new Date(now.getTime() + 3_600_000).toISOString();
    const rows = await this.q<{ idx: number; status: ReserveOutcome['status']; blocked_scope: ReserveOutcome['blockedScope']; scope_limit: string | null; credit_quantity: string }>(
      'select idx, status, blocked_scope, scope_limit, credit_quantity from meterdesk_reserve_batch($1, $2, $3, $4, $5, $6, $7, $8)',
      [organizationId, metric, items.map((i) => i.quantity), items.map((i) => i.user), items.map((i) => i.team), ids, items.map(() => expires), now],
    );
    if (commit) {
      await this.q(`update usage_reservations set status = 'committed', committed_quantity = quantity, settled_at = created_at where organization_id = $1 and status = 'pending'`, [organizationId]);
    }
    const out: ReserveOutcome[] = new Array(items.length);
    for (const r of rows) out[r.idx - 1] = { status: r.status, blockedScope: r.blocked_scope, limit: r.scope_limit === null ? null : Number(r.scope_limit), creditQuantity: Number(r.credit_quantity ?? 0) };
    return out;
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

  private nextId(): string {
    // Scratch reservation ids: unique within the session, never stored anywhere.
    this.ids += 1;
    return `00000000-0000-4000-8000-${this.ids.toString(16).padStart(12, '0')}`;
  }
}
