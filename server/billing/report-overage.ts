// Use case: send the overage outbox to the billing provider's meters — each batch once, none lost.
//
// Claiming sets a lease (next_attempt_at = now + lease) on due rows in one statement with
// FOR UPDATE SKIP LOCKED, so concurrent reporters on PostgreSQL take disjoint rows; the provider is
// called outside any transaction. A reporter that dies after the provider accepted a batch but
// before marking it sent leaves the row pending: once the lease runs out it is sent again with the
// same identifier, which the provider deduplicates ('duplicate' counts as sent). A lease that runs
// out while a slow reporter is still working through its rows risks only such a resend. Stripe keeps
// identifiers for at least 24 h, so every retry must come well inside that: the lease and the
// longest backoff are minutes to an hour.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { logUnexpectedError } from '../logging/log-error';
import type { MetricKey } from '../metering/metrics';
import type { BillingProvider } from './billing-provider';

/** Stripe takes meter events up to 35 days old; a batch is given up a little before that. */
export const METER_EVENT_MAX_AGE_MS = 35 * 86_400_000;
const AGE_MARGIN_MS = 60 * 60_000;
export const REPORT_LEASE_MS = 5 * 60_000;
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 60 * 60_000;
/** How long a batch of an organization without a billing customer waits before looking again. */
export const NO_CUSTOMER_RECHECK_MS = 15 * 60_000;

export const NO_CUSTOMER_REASON =
  'Waiting: this organization has no Stripe customer yet (no checkout completed), so its overage cannot be billed. It is sent once the organization subscribes through Stripe.';

export interface ReportOutcome {
  sent: number;
  duplicates: number;
  retrying: number;
  waiting: number;
  failed: number;
}

interface ClaimedRow {
  organization_id: string;
  metric: string;
  period_start: Date;
  batch: number;
  quantity: string;
  identifier: string;
  occurred_at: Date;
  attempts: number;
  customer_id: string | null;
}

/** Exponential backoff after the n-th failed attempt (1-based): 30 s, 1 min, 2 min … capped at 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}

/** An error as it may be stored and shown: no keys or tokens, bounded length. */
export function describeReportError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\b(sk|rk|pk|whsec)_[A-Za-z0-9_*]+/g, '[redacted]').replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 500);
}

const KEY = 'organization_id = $1 and metric = $2 and period_start = $3 and batch = $4';

export async function reportOverage(
  db: Database,
  provider: BillingProvider,
  clock: Clock,
  options: { limit?: number; leaseMs?: number } = {},
): Promise<ReportOutcome> {
  const outcome: ReportOutcome = { sent: 0, duplicates: 0, retrying: 0, waiting: 0, failed: 0 };
  const now = clock.now();
  const claimed = await db.query<ClaimedRow>(CLAIM_SQL, [now, options.limit ?? 25, new Date(now.getTime() + (options.leaseMs ?? REPORT_LEASE_MS))]);
  for (const row of claimed) {
    const key = [row.organization_id, row.metric, row.period_start, row.batch];
    const at = clock.now();
    const occurredAt = new Date(row.occurred_at);
    const quantity = Number(row.quantity);
    if (at.getTime() - occurredAt.getTime() > METER_EVENT_MAX_AGE_MS - AGE_MARGIN_MS) {
      const reason =
        `Not sent: Stripe only accepts meter events from the past 35 days and this batch of ${quantity} ${row.metric} units is from ${occurredAt.toISOString()}. ` +
        'Bill these units another way (for example an invoice item on the customer), then leave this row as the record.';
      await db.query(`update overage_reports set status = 'failed', last_error = $5, updated_at = $6 where ${KEY} and status = 'pending'`, [...key, reason, at]);
      outcome.failed++;
      continue;
    }
    if (!row.customer_id) {
      // Waiting is not a failed attempt: it does not count towards the backoff.
      await db.query(
        `update overage_reports set attempts = greatest(0, attempts - 1), last_error = $5, next_attempt_at = $6, updated_at = $7 where ${KEY} and status = 'pending'`,
        [...key, NO_CUSTOMER_REASON, new Date(at.getTime() + NO_CUSTOMER_RECHECK_MS), at],
      );
      outcome.waiting++;
      continue;
    }
    try {
      const result = await provider.reportUsage({
        customerId: row.customer_id,
        metric: row.metric as MetricKey,
        quantity,
        identifier: row.identifier,
        occurredAt,
      });
      const done = clock.now();
      await db.query(`update overage_reports set status = 'sent', sent_at = $5, last_error = null, updated_at = $5 where ${KEY} and status = 'pending'`, [...key, done]);
      if (result.status === 'duplicate') outcome.duplicates++;
      else outcome.sent++;
    } catch (error) {
      if (!(error instanceof AppError)) logUnexpectedError('report-overage', error);
      const failedAt = clock.now();
      await db.query(`update overage_reports set last_error = $5, next_attempt_at = $6, updated_at = $7 where ${KEY} and status = 'pending'`, [
        ...key,
        `Attempt ${row.attempts} failed, will retry: ${describeReportError(error)}`,
        new Date(failedAt.getTime() + retryDelayMs(row.attempts)),
        failedAt,
      ]);
      outcome.retrying++;
    }
  }
  return outcome;
}

// One statement: pick due rows no other reporter holds, lease them, count the attempt, and read the
// organization's billing customer with them.
const CLAIM_SQL = `
with due as (
  select organization_id, metric, period_start, batch from overage_reports
   where status = 'pending' and next_attempt_at <= $1
   order by next_attempt_at, organization_id, metric, period_start, batch
   limit $2
   for update skip locked
),
claimed as (
  update overage_reports r set next_attempt_at = $3, attempts = r.attempts + 1, updated_at = $1
    from due
   where r.organization_id = due.organization_id and r.metric = due.metric and r.period_start = due.period_start and r.batch = due.batch
  returning r.organization_id, r.metric, r.period_start, r.batch, r.quantity, r.identifier, r.occurred_at, r.attempts
)
select c.*, s.provider_customer_id as customer_id
  from claimed c left join subscriptions s on s.organization_id = c.organization_id
 order by c.organization_id, c.metric, c.period_start, c.batch`;
