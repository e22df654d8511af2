// The safety net behind the hook (registered in server/jobs/registry.ts): checks every counter
// moved in the last `lookbackMs` and today's rollups for spikes, then announces any firing left
// undispatched (a process that crashed between firing and announcing). Safe in every process at
// once: firing is decided by the unique key, announcing by row locks.
import { checkSpikeAlerts, checkThresholdAlerts } from './check-usage-alerts';
import { dispatchAlertFirings } from './dispatch-alert-firings';
import type { AlertServices } from './alert-services';

export async function sweepUsageAlerts(services: AlertServices, lookbackMs = 15 * 60_000): Promise<{ fired: number; announced: number }> {
  const { db, clock } = services;
  const now = clock.now();
  const moved = await db.query<{ organization_id: string; metric: string; scope: string; scope_id: string }>(
    `select organization_id, metric, scope::text, scope_id from usage_counters where updated_at >= $1 and used > 0 order by organization_id`,
    [new Date(now.getTime() - lookbackMs)],
  );
  const byOrg = new Map<string, { metric: string; teamId?: string; userId?: string }[]>();
  for (const m of moved) {
    const list = byOrg.get(m.organization_id) ?? [];
    list.push({ metric: m.metric, teamId: m.scope === 'team' ? m.scope_id : undefined, userId: m.scope === 'user' ? m.scope_id : undefined });
    byOrg.set(m.organization_id, list);
  }
  let fired = 0;
  for (const [organizationId, touches] of byOrg) {
    fired += (await checkThresholdAlerts(db, organizationId, touches, [], now)).length;
    fired += (await checkSpikeAlerts(db, organizationId, null, now)).length;
  }
  const announced = await dispatchAlertFirings(services);
  return { fired, announced };
}
