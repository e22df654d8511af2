// What the shell's usage banner says (seed 003: a prominent banner from 90 %): organization limits
// at 90 % or more this period, and sends a hard cap refused today — the organization's, or the
// caller's own (as a person, or through their teams).
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { metricWords } from './alert-messages';

export const BANNER_FROM_PERCENT = 90;

export async function getUsageBanner(db: Database, organizationId: string, userId: string, clock: Clock) {
  const now = clock.now();
  const near = await db.query<{ metric: string; used: string; lim: string }>(
    `with org as (
       select coalesce(s.plan_key, 'free') as plan_key, meterdesk_period_start(s.billing_anchor, $2::timestamptz) as period_start
         from organizations o left join subscriptions s on s.organization_id = o.id where o.id = $1::uuid
     )
     select c.metric, c.used, l.lim
       from org join usage_counters c on c.organization_id = $1::uuid and c.scope = 'organization' and c.scope_id = $1::uuid and c.period_start = org.period_start
       cross join lateral meterdesk_org_limit($1::uuid, org.plan_key, c.metric, $2::timestamptz) l
      where l.metered and l.lim > 0 and c.used * 100 >= l.lim * $3
      order by c.used::numeric / l.lim desc`,
    [organizationId, now, BANNER_FROM_PERCENT],
  );
  const blocked = await db.query<{ metric: string; scope: string; limit: string | null; fired_at: Date }>(
    `select f.metric, f.scope::text, f."limit", max(f.fired_at) as fired_at
       from alert_firings f
      where f.organization_id = $1::uuid and f.kind = 'limit_blocked' and f.period_start = date_trunc('day', $3::timestamptz at time zone 'UTC') at time zone 'UTC'
        and (f.scope = 'organization'
             or (f.scope = 'user' and f.scope_id = $2::uuid)
             or (f.scope = 'team' and exists (select 1 from team_memberships tm where tm.organization_id = $1::uuid and tm.team_id = f.scope_id and tm.user_id = $2::uuid)))
      group by f.metric, f.scope, f."limit"
      order by fired_at desc`,
    [organizationId, userId, now],
  );
  return {
    nearLimit: near.map((r) => ({ metric: r.metric, label: metricWords(r.metric).label, used: Number(r.used), limit: Number(r.lim), percent: Math.floor((Number(r.used) * 100) / Number(r.lim)) })),
    blockedToday: blocked.map((r) => ({ metric: r.metric, label: metricWords(r.metric).label, scope: r.scope as 'organization' | 'team' | 'user', limit: r.limit === null ? null : Number(r.limit), at: r.fired_at })),
  };
}
