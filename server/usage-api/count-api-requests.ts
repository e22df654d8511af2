// The usage API meters itself as `api_requests` (seed 004) without an event per request: requests
// are counted in memory per organization and flushed as one usage event per organization every few
// seconds, or sooner once many are waiting, and at shutdown. Each flush has its own idempotency key,
// and a flush that failed is retried with the same key, so a retry after a commit whose answer was
// lost cannot count twice.
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

  /** Writes what is waiting (one event per organization); resolves when it is written or failed. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => (this.pending > 0 || this.retry ? this.flush() : undefined));
    if (this.pending === 0 && !this.retry) return Promise.resolve();
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
  }

  private take() {
    const counts = this.counts;
    this.counts = new Map();
    this.pending = 0;
    return counts;
  }
}
