import { z } from 'zod';
import type { Clock } from '../clock';
import { systemClock } from '../clock';
import type { Database } from '../db/open-database';
import { plainText } from '../validation/text';

export const TENANT_ACTIVITY_FILTERS = ['active_7d', 'active_30d', 'inactive_30d', 'inactive_90d'] as const;

export const listTenantsInput = z.object({
  /** Part of the name or slug. */
  search: plainText().trim().max(100).optional(),
  /** The slug the previous page ended with. */
  after: plainText().max(100).optional(),
  /** The same as `after`, under the name infinite queries use. */
  cursor: plainText().max(100).nullish(),
  limit: z.number().int().min(1).max(200).default(50),
  /** Filters (issue 11): each narrows the list; absent means any. */
  plan: z.enum(['free', 'starter', 'growth', 'pro', 'enterprise']).optional(),
  status: z.enum(['trialing', 'active', 'past_due', 'unpaid', 'canceled']).optional(),
  /** Trialing tenants whose trial ends within this many days. */
  trialEndingWithinDays: z.number().int().min(1).max(365).optional(),
  suspended: z.boolean().optional(),
  /** near: some metric at 80 % or more of its limit this period; over: at 100 % or more. */
  usage: z.enum(['near', 'over']).optional(),
  /** Last activity: the latest of a member's sign-in and the tenant's last day of usage. */
  activity: z.enum(TENANT_ACTIVITY_FILTERS).optional(),
});

/**
 * Tenants for the platform's staff, by slug, with plan, status, trial end, last activity and the
 * highest share of a limit used this period: for finding one to look after. The usage share
 * compares the organization's counters of the last 31 days with the active override or the plan's
 * included amount (unlimited metrics do not count).
 */
export async function listTenants(db: Database, input: z.output<typeof listTenantsInput>, clock: Clock = systemClock) {
  const now = clock.now();
  const rows = await db.query<{
    id: string; slug: string; name: string; plan_key: string; status: string; suspended: boolean; members: string;
    trial_ends_at: Date | null; last_activity_at: Date | null; usage_ratio: number | null; created_at: Date;
  }>(
    `with t as (
       select o.id, o.slug, o.name, o.created_at, coalesce(s.plan_key, 'free') as plan_key, coalesce(s.status::text, 'active') as status,
              o.suspended_at is not null as suspended, s.trial_ends_at,
              (select count(*) from memberships m where m.organization_id = o.id and m.status = 'active') as members,
              greatest(
                (select max(u.last_sign_in_at) from memberships m join users u on u.id = m.user_id where m.organization_id = o.id),
                (select max(r.day)::timestamptz from usage_daily_rollups r where r.organization_id = o.id and r.scope = 'organization')
              ) as last_activity_at,
              (select max(c.used::float8 / nullif(case when ov.found then ov.lim else pq.included end, 0)::float8)
                 from usage_counters c
                 join plan_quotas pq on pq.plan_key = coalesce(s.plan_key, 'free') and pq.version = coalesce(s.plan_version, 1) and pq.metric = c.metric
                 left join lateral (select true as found, q.limit as lim from quota_overrides q
                                     where q.organization_id = c.organization_id and q.metric = c.metric and q.revoked_at is null
                                       and q.starts_at <= $4 and q.ends_at > $4 order by q.created_at desc limit 1) ov on true
                where c.organization_id = o.id and c.scope = 'organization' and c.period_start <= $4 and c.period_start > $4 - interval '31 days'
              ) as usage_ratio
         from organizations o left join subscriptions s on s.organization_id = o.id
        where ($1::text is null or o.name ilike '%' || $1 || '%' or o.slug ilike '%' || $1 || '%')
          and ($2::text is null or o.slug > $2)
     )
     select * from t
      where ($5::text is null or plan_key = $5)
        and ($6::text is null or status = $6)
        and ($7::int is null or (status = 'trialing' and trial_ends_at is not null and trial_ends_at >= $4 and trial_ends_at < $4 + make_interval(days => $7::int)))
        and ($8::boolean is null or suspended = $8)
        and ($9::text is null or ($9 = 'near' and usage_ratio >= 0.8) or ($9 = 'over' and usage_ratio >= 1))
        and ($10::text is null
             or ($10 = 'active_7d' and last_activity_at >= $4 - interval '7 days')
             or ($10 = 'active_30d' and last_activity_at >= $4 - interval '30 days')
             or ($10 = 'inactive_30d' and (last_activity_at is null or last_activity_at < $4 - interval '30 days'))
             or ($10 = 'inactive_90d' and (last_activity_at is null or last_activity_at < $4 - interval '90 days')))
      order by slug
      limit $3`,
    [
      input.search ? input.search.replace(/[\\%_]/g, (c) => `\\${c}`) : null,
      input.after ?? input.cursor ?? null,
      input.limit + 1,
      now,
      input.plan ?? null,
      input.status ?? null,
      input.trialEndingWithinDays ?? null,
      input.suspended ?? null,
      input.usage ?? null,
      input.activity ?? null,
    ],
  );
  const page = rows.slice(0, input.limit);
  return {
    tenants: page.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      planKey: r.plan_key,
      status: r.status,
      suspended: r.suspended,
      members: Number(r.members),
      trialEndsAt: r.trial_ends_at,
      lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at) : null,
      /** The highest share of a limit used this period (1 = at the limit); null when nothing is limited or used. */
      usageRatio: r.usage_ratio === null ? null : Number(r.usage_ratio),
    })),
    nextAfter: rows.length > input.limit ? page[page.length - 1]!.slug : null,
  };
}
