import { z } from 'zod';
import type { Database } from '../db/open-database';
import { metricWords } from './alert-messages';

export const listAlertFiringsInput = z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 });

/** The organization's recent alerts (admins: every scope), newest first. */
export async function listAlertFirings(db: Database, organizationId: string, input: z.output<typeof listAlertFiringsInput>) {
  const rows = await db.query<{ id: string; kind: string; scope: string; scope_id: string; scope_name: string | null; metric: string; threshold: number; used: string; limit: string | null; period_start: Date; fired_at: Date }>(
    `select f.id, f.kind, f.scope, f.scope_id,
            case f.scope when 'organization' then o.name when 'team' then t.name else u.name end as scope_name,
            f.metric, f.threshold, f.used, f."limit", f.period_start, f.fired_at
       from alert_firings f
       join organizations o on o.id = f.organization_id
       left join teams t on f.scope = 'team' and t.organization_id = f.organization_id and t.id = f.scope_id
       left join users u on f.scope = 'user' and u.id = f.scope_id and exists (select 1 from memberships m where m.organization_id = f.organization_id and m.user_id = u.id)
      where f.organization_id = $1
      order by f.fired_at desc, f.threshold desc
      limit $2`,
    [organizationId, input.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as 'threshold' | 'spike' | 'limit_blocked',
    scope: r.scope as 'organization' | 'team' | 'user',
    scopeId: r.scope_id,
    scopeName: r.scope_name ?? 'Former member',
    metric: r.metric,
    metricLabel: metricWords(r.metric).label,
    threshold: r.threshold,
    used: Number(r.used),
    limit: r.limit === null ? null : Number(r.limit),
    periodStart: r.period_start,
    firedAt: r.fired_at,
  }));
}
