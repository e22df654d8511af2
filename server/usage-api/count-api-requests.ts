// The usage API meters itself as `api_requests` (seed 004) without an event per request: requests
// are counted in memory per organization and flushed as one usage event per organization every few
// seconds, or sooner once many are waiting, and at shutdown. Each flush has its own idempotency key,
// and a flush that failed is retried with the same key, so a retry after a commit whose answer was
// lost cannot count twice.
// Each admitted request's answer is its outcome (status below 400: succeeded; otherwise failed),
// added to usage_outcome_rollups (organization scope, api_requests, the day of the flush) in one
// upsert per organization per flush, for the dashboards' success rate. A failed flush keeps them
// for the next one; an outcome upsert whose commit answer was lost may count once more (a share,
// not a bill).
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { logUnexpectedError } from '../logging/log-error';
import { recordUsageEvents } from '../metering/record-usage-events';

export interface ApiRequestCounterOptions {
  /** Flush at least this often while requests are waiting (ms). */
  intervalMs?: number;
  /** Flush as soon as this many requests are waiting. */
  maxPending?: number;
}

interface PendingFlush {
  key: string;
  counts: Map<string, number>;
}

export class ApiRequestCounter {
  private counts = new Map<string, number>();
  private outcomes = new Map<string, { succeeded: number; failed: number }>();
  private pending = 0;
  private sequence = 0;
  /** A flush that failed: retried first, with its keys, before new counts go out. */
  private retry: PendingFlush | null = null;
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly process = randomUUID();
  private readonly intervalMs: number;
  private readonly maxPending: number;

  constructor(
    private db: Database,
    private clock: Clock,
    options: ApiRequestCounterOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.maxPending = options.maxPending ?? 1_000;
  }

  /** Counts one request of the organization; never waits on the database. */
  count(organizationId: string) {
    this.counts.set(organizationId, (this.counts.get(organizationId) ?? 0) + 1);
    this.pending++;
    if (this.pending >= this.maxPending) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  /** Records how an admitted request of the organization was answered; never waits on the database. */
  outcome(organizationId: string, succeeded: boolean) {
    const o = this.outcomes.get(organizationId) ?? { succeeded: 0, failed: 0 };
    if (succeeded) o.succeeded++;
    else o.failed++;
    this.outcomes.set(organizationId, o);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes what is waiting (one event per organization); resolves when it is written or failed. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.pending > 0 || this.retry || this.outcomes.size > 0 ? this.flush() : undefined));
    if (this.pending === 0 && !this.retry && this.outcomes.size === 0) return Promise.resolve();
    this.flushing = this.write().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Stops the timer and writes what is left (at shutdown, before the database closes). */
  async close() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write() {
    const batch = this.retry ?? { key: `api-requests:${this.process}:${++this.sequence}`, counts: this.take() };
    this.retry = null;
    try {
      for (const [organizationId, quantity] of batch.counts) {
        const [result] = await recordUsageEvents(this.db, organizationId, [{ metric: 'api_requests', quantity, idempotencyKey: batch.key }], this.clock);
        if (result?.status === 'rejected') logUnexpectedError('api_requests flush', new Error(result.reason));
        batch.counts.delete(organizationId);
      }
    } catch (error) {
      // Kept for the next flush under the same key; new requests keep counting meanwhile.
      this.retry = batch;
      logUnexpectedError('api_requests flush', error);
    }
    await this.writeOutcomes();
  }

  private async writeOutcomes() {
    if (this.outcomes.size === 0) return;
    const outcomes = this.outcomes;
    this.outcomes = new Map();
    const orgs = [...outcomes.keys()];
    try {
      await this.db.query(
        `insert into usage_outcome_rollups as r (organization_id, scope, scope_id, metric, day, succeeded, failed)
         select o, 'organization', o, 'api_requests', ($4::timestamptz at time zone 'UTC')::date, s, f from unnest($1::uuid[], $2::bigint[], $3::bigint[]) as x(o, s, f)
         on conflict (organization_id, scope, scope_id, metric, day) do update set succeeded = r.succeeded + excluded.succeeded, failed = r.failed + excluded.failed`,
        [orgs, orgs.map((o) => outcomes.get(o)!.succeeded), orgs.map((o) => outcomes.get(o)!.failed), this.clock.now()],
      );
    } catch (error) {
      for (const [org, o] of outcomes) {
        const now = this.outcomes.get(org) ?? { succeeded: 0, failed: 0 };
        this.outcomes.set(org, { succeeded: now.succeeded + o.succeeded, failed: now.failed + o.failed });
      }
      logUnexpectedError('api_requests outcomes flush', error);
    }
  }

  private take() {
    const counts = this.counts;
    this.counts = new Map();
    this.pending = 0;
    return counts;
  }
}
