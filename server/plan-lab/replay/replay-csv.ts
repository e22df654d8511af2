// The replay's table as CSV: one row per tenant, then a TOTAL row, money in dollars with cents.
// Pure (csv-stringify's browser build), so the console exports exactly the rows it shows.
import { stringify } from 'csv-stringify/browser/esm/sync';
import type { ReplayResult } from './replay-plan';

export const REPLAY_CSV_COLUMNS = [
  'organization_id',
  'tenant',
  'before_usd',
  'after_usd',
  'delta_usd',
  'mrr_before_usd',
  'mrr_after_usd',
  'blocked_units',
  'first_block_day',
  'blocked_metrics',
  'alerts_after',
] as const;

/** Integer cents as a dollar string, exactly (no floating point). */
export function centsToDollars(minor: number): string {
  const abs = Math.abs(minor);
  return `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function replayCsv(result: Pick<ReplayResult, 'tenants' | 'totals'>): string {
  const rows = result.tenants.map((t) => [
    t.organizationId,
    t.name,
    centsToDollars(t.beforeMinor),
    centsToDollars(t.afterMinor),
    centsToDollars(t.deltaMinor),
    centsToDollars(t.mrrBeforeMinor),
    centsToDollars(t.mrrAfterMinor),
    t.blockedQuantity,
    t.firstBlockedAt?.slice(0, 10) ?? '',
    t.blockedMetrics.join(' '),
    t.alertsAfter,
  ]);
  const sum = (f: (t: ReplayResult['tenants'][number]) => number) => result.tenants.reduce((a, t) => a + f(t), 0);
  rows.push([
    'TOTAL',
    `${result.totals.tenants} tenants`,
    centsToDollars(sum((t) => t.beforeMinor)),
    centsToDollars(sum((t) => t.afterMinor)),
    centsToDollars(sum((t) => t.deltaMinor)),
    centsToDollars(result.totals.mrrBeforeMinor),
    centsToDollars(result.totals.mrrAfterMinor),
    sum((t) => t.blockedQuantity),
    '',
    '',
    result.totals.alertsAfter,
  ]);
  // Cells that a spreadsheet would run as a formula are prefixed with a quote.
  const safe = rows.map((r) => r.map((c) => (typeof c === 'string' && /^[=+\-@\t\r]/.test(c) && !/^-\d/.test(c) ? `'${c}` : c)));
  return stringify(safe, { header: true, columns: [...REPLAY_CSV_COLUMNS] });
}
