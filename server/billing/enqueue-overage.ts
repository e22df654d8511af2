// Use case: turn settled usage past the included quota (plans with the `bill` overage policy) into
// outbox batches, one per (organization, metric, period, batch number). The arithmetic and the
// per-key row lock live in meterdesk_enqueue_overage (migration overage_outbox), so it is exact,
// one round trip, and safe when every server runs it at once. The reservation hot path is untouched.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { OVERAGES } from './plan-catalog';

/** The metrics with a meter: the only ones billed as overage. */
export const BILLABLE_METRICS: readonly string[] = OVERAGES.map((o) => o.metric);

/** By default a (organization, metric, period) gets at most one new batch per 15 minutes. */
export const DEFAULT_MIN_BATCH_INTERVAL_MS = 15 * 60_000;

export interface EnqueuedBatch {
  organizationId: string;
  metric: string;
  periodStart: Date;
  batch: number;
  quantity: number;
}

export async function enqueueOverage(db: Database, clock: Clock, options: { minBatchIntervalMs?: number } = {}): Promise<EnqueuedBatch[]> {
  const minInterval = options.minBatchIntervalMs ?? DEFAULT_MIN_BATCH_INTERVAL_MS;
  const rows = await db.query<{ organization_id: string; metric: string; period_start: Date; batch: number; quantity: string }>(
    'select * from meterdesk_enqueue_overage($1, $2::text[], make_interval(secs => $3))',
    [clock.now(), BILLABLE_METRICS, minInterval / 1000],
  );
  return rows.map((r) => ({ organizationId: r.organization_id, metric: r.metric, periodStart: new Date(r.period_start), batch: Number(r.batch), quantity: Number(r.quantity) }));
}
