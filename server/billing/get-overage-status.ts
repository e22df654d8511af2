// Use case: what the console shows about overage billing for the current period, per billable
// metric — settled units past the quota, and how many are reported to the meter, waiting or failed.
// Only the acting organization's rows are read.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { OVERAGES } from './plan-catalog';

export interface OverageMetricStatus {
  metric: string;
  displayName: string;
  /** Settled units past the included quota (and credits) so far this period. */
  overageUnits: number;
  /** Accepted by the billing provider. */
  reportedUnits: number;
  /** In the outbox, not yet sent (includes batches waiting for a billing customer). */
  pendingUnits: number;
  /** Given up (e.g. older than the provider accepts): an operator must bill these another way. */
  failedUnits: number;
  /** Counted but not yet batched (the next run of the overage job picks them up). */
  unbatchedUnits: number;
  unitPriceMicros: number;
  currency: string;
  lastError: string | null;
}

export interface OverageStatus {
  overagePolicy: 'hard_cap' | 'bill';
  periodStart: Date;
  periodEnd: Date;
  metrics: OverageMetricStatus[];
  /** Batches of earlier periods not sent yet (pending or failed). */
  earlierUnsent: { pendingUnits: number; failedUnits: number };
}

export async function getOverageStatus(db: Database, organizationId: string, clock: Clock): Promise<OverageStatus> {
  const now = clock.now();
  const metrics = OVERAGES.map((o) => o.metric);
  const [head] = await db.query<{ policy: string | null; period_start: Date; period_end: Date; earlier_pending: string; earlier_failed: string }>(
    `with s as (select billing_anchor, plan_key, plan_version from subscriptions where organization_id = $1),
          p as (select meterdesk_period_start((select billing_anchor from s), $2) as ps)
     select (select coalesce(pv.overage_policy, pl.overage_policy)::text from plans pl
               left join plan_versions pv on pv.plan_key = pl.key and pv.version = (select plan_version from s)
              where pl.key = (select plan_key from s)) as policy,
            p.ps as period_start, meterdesk_period_end((select billing_anchor from s), p.ps) as period_end,
            coalesce((select sum(quantity) from overage_reports r where r.organization_id = $1 and r.period_start < p.ps and r.status = 'pending'), 0) as earlier_pending,
            coalesce((select sum(quantity) from overage_reports r where r.organization_id = $1 and r.period_start < p.ps and r.status = 'failed'), 0) as earlier_failed
       from p`,
    [organizationId, now],
  );
  const periodStart = new Date(head!.period_start);
  const rows = await db.query<{ metric: string; overage: string; reported: string; pending: string; failed: string; batched: string; last_error: string | null }>(
    `select m.metric,
            meterdesk_settled_overage($1, m.metric, $2, $3) as overage,
            coalesce(sum(r.quantity) filter (where r.status = 'sent'), 0) as reported,
            coalesce(sum(r.quantity) filter (where r.status = 'pending'), 0) as pending,
            coalesce(sum(r.quantity) filter (where r.status = 'failed'), 0) as failed,
            coalesce(sum(r.quantity), 0) as batched,
            (select r2.last_error from overage_reports r2
              where r2.organization_id = $1 and r2.metric = m.metric and r2.period_start = $2 and r2.status <> 'sent' and r2.last_error is not null
              order by r2.updated_at desc, r2.batch desc limit 1) as last_error
       from unnest($4::text[]) with ordinality m(metric, k)
       left join overage_reports r on r.organization_id = $1 and r.metric = m.metric and r.period_start = $2
      group by m.metric, m.k
      order by m.k`,
    [organizationId, periodStart, now, metrics],
  );
  return {
    overagePolicy: head!.policy === 'bill' ? 'bill' : 'hard_cap',
    periodStart,
    periodEnd: new Date(head!.period_end),
    metrics: rows.map((r) => {
      const def = OVERAGES.find((o) => o.metric === r.metric)!;
      const overageUnits = Number(r.overage);
      return {
        metric: r.metric,
        displayName: def.displayName,
        overageUnits,
        reportedUnits: Number(r.reported),
        pendingUnits: Number(r.pending),
        failedUnits: Number(r.failed),
        unbatchedUnits: Math.max(0, overageUnits - Number(r.batched)),
        unitPriceMicros: def.unitPriceMicros,
        currency: def.currency,
        lastError: r.last_error,
      };
    }),
    earlierUnsent: { pendingUnits: Number(head!.earlier_pending), failedUnits: Number(head!.earlier_failed) },
  };
}
