// Use case (platform staff): the tenants subscribed to a plan, with the version each is on and
// any migration waiting for them — to choose whom to migrate.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { versionNumber } from './create-plan-draft';
import { PLAN_KEYS } from './plan-terms-schema';

export const listPlanSubscribersInput = z.strictObject({ planKey: z.enum(PLAN_KEYS), version: versionNumber.optional(), limit: z.number().int().min(1).max(500).default(200) });

export async function listPlanSubscribers(db: Database, input: z.output<typeof listPlanSubscribersInput>) {
  const rows = await db.query<{ organization_id: string; slug: string; name: string; plan_version: number; status: string; billed_by: string; current_period_end: Date | null; pending_version: number | null; pending_status: string | null; pending_at: Date | null }>(
    `select s.organization_id, o.slug, o.name, s.plan_version, s.status::text,
            case when s.provider_subscription_id is not null then 'stripe' else 'local' end as billed_by, s.current_period_end,
            m.to_version as pending_version, m.status::text as pending_status, m.effective_at as pending_at
       from subscriptions s join organizations o on o.id = s.organization_id
       left join lateral (select to_version, status, effective_at from plan_version_migrations pm
                           where pm.organization_id = s.organization_id and pm.plan_key = s.plan_key and pm.status in ('pending', 'scheduled', 'failed')
                           order by pm.updated_at desc limit 1) m on true
      where s.plan_key = $1 and s.status <> 'canceled' and ($2::int is null or s.plan_version = $2)
      order by o.slug limit $3`,
    [input.planKey, input.version ?? null, input.limit],
  );
  return rows.map((r) => ({
    organizationId: r.organization_id, slug: r.slug, name: r.name, version: r.plan_version, status: r.status, billedBy: r.billed_by as 'stripe' | 'local',
    currentPeriodEnd: r.current_period_end, pending: r.pending_version ? { version: r.pending_version, status: r.pending_status!, effectiveAt: r.pending_at } : null,
  }));
}
