// Use case (platform staff): every plan with its versions, how many subscriptions are on each
// version, and where migrations between them stand — the plan lab's overview.
import { PLANS } from '../billing/plan-catalog';
import type { Database } from '../db/open-database';
import { parseStoredTerms } from './plan-terms-schema';

export async function listPlanVersions(db: Database) {
  const [versions, counts, migrations] = await Promise.all([
    db.prisma.planVersion.findMany({ orderBy: [{ planKey: 'asc' }, { version: 'asc' }] }),
    // Canceled subscriptions are history, not subscribers.
    db.query<{ plan_key: string; plan_version: number; n: string }>(
      `select plan_key, plan_version, count(*) as n from subscriptions where status <> 'canceled' group by plan_key, plan_version`,
    ),
    db.query<{ plan_key: string; to_version: number; status: string; n: string }>(
      `select plan_key, to_version, status::text, count(*) as n from plan_version_migrations group by plan_key, to_version, status`,
    ),
  ]);
  return PLANS.map((plan) => {
    const own = versions.filter((v) => v.planKey === plan.key);
    const published = own.filter((v) => v.status === 'published').map((v) => v.version);
    return {
      planKey: plan.key,
      name: plan.name,
      latestPublished: published.length ? Math.max(...published) : 1,
      versions: own.map((v) => ({
        version: v.version,
        status: v.status,
        note: v.note,
        basedOn: v.basedOn,
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
        publishedAt: v.publishedAt,
        terms: parseStoredTerms(v.terms),
        subscribers: Number(counts.find((c) => c.plan_key === plan.key && c.plan_version === v.version)?.n ?? 0),
        migrations: Object.fromEntries(migrations.filter((m) => m.plan_key === plan.key && m.to_version === v.version).map((m) => [m.status, Number(m.n)])) as Partial<Record<'pending' | 'scheduled' | 'done' | 'failed', number>>,
      })),
    };
  });
}
