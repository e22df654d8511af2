// Use case: make the billing provider's catalog match the plan catalog in the repository, and
// say what changed in lines a person reads (`npm run cli -- stripe sync-catalog`).
import type { BillingProvider, CatalogChange, CatalogSyncReport, VersionedPlanPrices } from './billing-provider';

export interface CatalogSyncOutcome {
  report: CatalogSyncReport;
  lines: string[];
  changed: boolean;
  conflicts: CatalogChange[];
}

/** planVersions: published plan-lab versions (server/plan-lab/published-version-prices.ts), synced beside the catalog. */
export async function syncCatalog(provider: BillingProvider, options: { dryRun?: boolean; planVersions?: VersionedPlanPrices[] } = {}): Promise<CatalogSyncOutcome> {
  const report = await provider.syncCatalog(options);
  const writes = report.changes.filter((c) => c.action !== 'conflict');
  const conflicts = report.changes.filter((c) => c.action === 'conflict');
  const verb = (action: CatalogChange['action']) => (options.dryRun ? `would be ${action}` : action);
  const lines = report.changes.map(
    (c) => `${c.action === 'conflict' ? 'CONFLICT' : verb(c.action)} ${c.kind.replace('_', ' ')} ${c.key} (${c.providerId})${c.detail ? `: ${c.detail}` : ''}`,
  );
  if (writes.length === 0) lines.push(`The ${provider.name} catalog is up to date: nothing changed.`);
  else lines.push(`${writes.length} change${writes.length === 1 ? '' : 's'}${options.dryRun ? ' would be made (dry run, nothing written)' : ''}.`);
  return { report, lines, changed: writes.length > 0, conflicts };
}
