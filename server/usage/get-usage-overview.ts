import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { Actor } from '../members/member-scope';
import { METRICS, METRIC_KEYS, type MetricKey } from '../metering/metrics';
import { projectUsage } from './project-usage';
import { isoDay, periodSchema, resolveUsagePeriod } from './usage-period';
import { resolveUsageScope, usageReach } from './usage-reach';

export const usageOverviewInput = z.object({
  scope: z.enum(['organization', 'team', 'user']),
  /** The team's or person's id (a person defaults to yourself). */
  id: z.uuid('id must be a team or user id').optional(),
  period: periodSchema.optional(),
});

function outcomes(ok: string | null, bad: string | null) {
  return ok === null && bad === null ? null : { succeeded: Number(ok ?? 0), failed: Number(bad ?? 0) };
}

function successRate(ok: string | null, bad: string | null): number | null {
  const total = Number(ok ?? 0) + Number(bad ?? 0);
  return total > 0 ? Number(ok ?? 0) / total : null;
}

/**
 * One scope's usage this period, per metric: used, in flight, limit and remaining, share of the
 * limit, projection to the period's end, cost and price so far, success rate of sends — from the
 * counters (one row per metric) and the daily rollups (cost, price, outcomes), never from the
 * ledger. Also the organization's alert thresholds, for colouring the bars, and what the viewer may
 * drill into.
 */
export async function getUsageOverview(db: Database, actor: Actor, input: z.output<typeof usageOverviewInput>, clock: Clock) {
  const now = clock.now();
  const reach = await usageReach(db, actor);
  const scope = await resolveUsageScope(db, actor, reach, input.scope, input.id);
  const { account, current, limitAt } = await resolveUsagePeriod(db, actor.organizationId, input.period, now);
  const org = actor.organizationId;
  const rows = await db.query<{ metric: string; used: string | null; reserved: string | null; lim: string | null; cost: string | null; price: string | null; ok: string | null; bad: string | null }>(
    `select m.metric, c.used, c.reserved, l.lim, r.cost, r.price, oc.ok, oc.bad
       from unnest($5::text[]) as m(metric)
       left join usage_counters c on c.organization_id = $1 and c.scope = $2::"CounterScope" and c.scope_id = $3 and c.metric = m.metric and c.period_start = $4
       left join lateral (
         select case when ol.metered then ol.lim end as lim from meterdesk_org_limit($1, $6, m.metric, $7) ol where $2 = 'organization'
         union all select b."limit" from team_budgets b where $2 = 'team' and b.organization_id = $1 and b.team_id = $3 and b.metric = m.metric
         union all select ul."limit" from user_limits ul where $2 = 'user' and ul.organization_id = $1 and ul.user_id = $3 and ul.metric = m.metric
       ) l on true
       left join lateral (
         select sum(d.cost_micros) as cost, sum(d.price_micros) as price from usage_daily_rollups d
          where d.organization_id = $1 and d.scope = $2::"CounterScope" and d.scope_id = $3 and d.metric = m.metric and d.day >= $8::date and d.day < $9::date
       ) r on true
       left join lateral (
         select sum(o.succeeded) as ok, sum(o.failed) as bad from usage_outcome_rollups o
          where o.organization_id = $1 and o.scope = $2::"CounterScope" and o.scope_id = $3 and o.metric = m.metric and o.day >= $8::date and o.day < $9::date
       ) oc on true`,
    [org, scope.kind, scope.id, account.periodStart, METRIC_KEYS, account.planKey, limitAt, isoDay(account.periodStart), isoDay(new Date(account.periodEnd.getTime() + 86_399_999))],
  );
  const settings = await db.prisma.organization.findUniqueOrThrow({ where: { id: org }, select: { alertThresholds: true } });
  const credits =
    scope.kind === 'organization'
      ? await db.query<{ metric: string; remaining: string }>(
          'select metric, sum(remaining) as remaining from credit_grants where organization_id = $1 and remaining > 0 and (expires_at is null or expires_at > $2) group by metric',
          [org, now],
        )
      : [];
  const teams =
    reach.level === 'organization'
      ? await db.prisma.team.findMany({ where: { organizationId: org, archivedAt: null }, select: { id: true, name: true }, orderBy: { name: 'asc' } })
      : reach.level === 'team'
        ? await db.prisma.team.findMany({ where: { organizationId: org, id: { in: reach.teamIds } }, select: { id: true, name: true }, orderBy: { name: 'asc' } })
        : [];
  const metrics = rows.map((r) => {
    const metric = r.metric as MetricKey;
    const used = Number(r.used ?? 0);
    const reserved = Number(r.reserved ?? 0);
    const limit = r.lim === null ? null : Number(r.lim);
    const projection = projectUsage({ used, limit, periodStart: account.periodStart, periodEnd: account.periodEnd, now, gauge: METRICS[metric].aggregation === 'max' });
    return {
      metric,
      label: METRICS[metric].label,
      unit: METRICS[metric].unit,
      used,
      reserved,
      limit,
      remaining: limit === null ? null : Math.max(0, limit - used - reserved),
      percent: limit === null ? null : limit === 0 ? (used + reserved > 0 ? 100 : 0) : ((used + reserved) / limit) * 100,
      projected: projection.projected,
      projectedOverage: projection.projectedOverage,
      willExceed: projection.willExceed,
      costMicros: Number(r.cost ?? 0),
      priceMicros: Number(r.price ?? 0),
      credits: Number(credits.find((c) => c.metric === metric)?.remaining ?? 0),
      /** Sends with an outcome this period (usage_outcome_rollups): accepted and not reported failed, and failed. */
      outcomes: outcomes(r.ok, r.bad),
      /** Share of sends with an outcome that succeeded (0..1); null where the metric has no outcomes yet. */
      successRate: successRate(r.ok, r.bad),
    };
  });
  const projection = projectUsage({ used: 0, limit: null, periodStart: account.periodStart, periodEnd: account.periodEnd, now });
  return {
    scope,
    reach: { level: reach.level, userId: reach.userId, teams },
    plan: { key: account.planKey, name: account.planName, overagePolicy: account.overagePolicy },
    status: account.status,
    suspended: account.suspended,
    periodStart: account.periodStart,
    periodEnd: account.periodEnd,
    current,
    elapsed: projection.elapsed,
    daysLeft: projection.daysLeft,
    alertThresholds: settings.alertThresholds,
    metrics,
  };
}
