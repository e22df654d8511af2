import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { getAccountState, limitEvaluationTime } from './get-usage-state';
import { METRICS, type MetricKey } from './metrics';

export const usageSummaryInput = z.object({
  /** The period containing the 1st of this month (YYYY-MM); the current period when omitted. */
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'period must look like 2026-11')
    .optional(),
});

/**
 * Used, limit and remaining per metric for the organization in one period. The limit is the one in
 * force now for the current period, whether or not `period` names it (an override that started
 * mid-period shows either way); a past period shows the limit in force at its end.
 */
export async function getUsageSummary(db: Database, organizationId: string, input: z.output<typeof usageSummaryInput>, clock: Clock) {
  const at = input.period ? new Date(`${input.period}-01T00:00:00Z`) : clock.now();
  const account = await getAccountState(db, organizationId, at);
  if (!account) throw new AppError('NOT_FOUND', 'The organization does not exist.');
  const rows = await db.query<{ metric: string; used: string | null; reserved: string | null; lim: string | null; metered: boolean | null }>(
    `select m.metric, c.used, c.reserved, l.lim, l.metered
       from unnest($4::text[]) as m(metric)
       left join usage_counters c on c.organization_id = $1 and c.scope = 'organization' and c.scope_id = $1 and c.metric = m.metric and c.period_start = $2
       left join lateral meterdesk_org_limit($1, $3, m.metric, $5) l on true`,
    [organizationId, account.periodStart, account.planKey, Object.keys(METRICS), limitEvaluationTime(account, clock.now())],
  );
  const credits = await db.query<{ metric: string; remaining: string }>(
    `select metric, sum(remaining) as remaining from credit_grants where organization_id = $1 and remaining > 0 and (expires_at is null or expires_at > $2) group by metric`,
    [organizationId, clock.now()],
  );
  return {
    plan: { key: account.planKey, name: account.planName, overagePolicy: account.overagePolicy },
    status: account.status,
    suspended: account.suspended,
    periodStart: account.periodStart,
    periodEnd: account.periodEnd,
    metrics: rows.map((r) => {
      const used = Number(r.used ?? 0);
      const limit = r.metered && r.lim !== null ? Number(r.lim) : null;
      return {
        metric: r.metric as MetricKey,
        label: METRICS[r.metric as MetricKey].label,
        unit: METRICS[r.metric as MetricKey].unit,
        used,
        reserved: Number(r.reserved ?? 0),
        limit,
        remaining: limit === null ? null : Math.max(0, limit - used - Number(r.reserved ?? 0)),
        credits: Number(credits.find((c) => c.metric === r.metric)?.remaining ?? 0),
      };
    }),
  };
}
