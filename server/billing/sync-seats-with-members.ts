// Use case (background job): a subscription's extra seats follow the organization's active
// members (seed 003: a per-seat team price). Member use cases are left alone: nothing calls the
// provider inside their transactions, nor needs to remember to. The job compares, for every
// organization with a live provider subscription, the extra seats its active members need (plan
// catalog: included seats per plan) with the quantity the provider has, and corrects the provider.
//
// What the provider has is the mirror's seat quantity (kept by Stripe's events), unless we set it
// ourselves since the mirror last moved: seat_syncs remembers that quantity against the mirrored
// state it was set over, so a stale mirror neither triggers a call per run nor hides a change.
// Self-healing: a missed run, a crash or a failed call is corrected by the next run.
//
// One process per organization at a time: a lease taken in one statement (INSERT … ON CONFLICT DO
// UPDATE … WHERE the lease is free, which PostgreSQL re-checks on the locked row), and the provider
// called outside any transaction. The operation id (organization, members, version, attempt) makes
// the provider's idempotency key: a retried request applies once, and a later change never reuses
// an earlier change's key. Failures back off (30 s doubling to 1 h) and are kept in last_error.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { logUnexpectedError } from '../logging/log-error';
import type { BillingProvider } from './billing-provider';
import { findPlan } from './plan-catalog';
import { describeReportError, retryDelayMs } from './report-overage';

export const SEAT_SYNC_LEASE_MS = 2 * 60_000;

export interface SeatSyncOutcome {
  /** Organizations whose seats were changed at the provider. */
  updated: number;
  /** Organizations found already right at the provider (the mirror was behind). */
  unchanged: number;
  retrying: number;
  /** Organizations another process was syncing, or in backoff. */
  skipped: number;
}

interface SeatRow {
  organization_id: string;
  provider_subscription_id: string;
  plan_key: string;
  seat_quantity: number;
  provider_state_at: Date | null;
  active_members: string;
  synced_quantity: number | null;
  synced_state_at: Date | null;
  version: number | null;
  /** Seats included by the subscription's plan version (plan_versions.terms), null: unlimited, undefined: no such version. */
  included_seats: number | null;
  has_version: boolean;
  attempts: number | null;
  next_attempt_at: Date | null;
  leased_until: Date | null;
}

// One query over organizations with a live provider subscription (index: subscriptions' primary
// key, memberships' (organization_id, …)).
const STATE_SQL = `
  select s.organization_id, s.provider_subscription_id, s.plan_key, s.seat_quantity, s.provider_state_at,
         (select count(*) from memberships m where m.organization_id = s.organization_id and m.status = 'active') as active_members,
         ss.synced_quantity, ss.synced_state_at, ss.version, ss.attempts, ss.next_attempt_at, ss.leased_until,
         case when pv.plan_key is not null then (pv.terms->>'includedSeats')::int end as included_seats,
         pv.plan_key is not null as has_version
    from subscriptions s
    left join seat_syncs ss on ss.organization_id = s.organization_id
    left join plan_versions pv on pv.plan_key = s.plan_key and pv.version = s.plan_version
   where s.provider_subscription_id is not null
     and s.provider_status in ('trialing', 'active', 'past_due', 'unpaid')`;

/** Seats the subscription's plan version includes: the version's terms, else the catalog's. */
function includedSeatsOf(row: SeatRow): number | null | undefined {
  return row.has_version ? row.included_seats : findPlan(row.plan_key)?.includedSeats;
}

/** Extra seats the plan bills for this many active members (none on unlimited-seat plans). */
export function extraSeatsFor(included: number | null | undefined, activeMembers: number): number {
  return included === null || included === undefined ? 0 : Math.max(0, activeMembers - included);
}

function needsSync(row: SeatRow): boolean {
  const wanted = extraSeatsFor(includedSeatsOf(row), Number(row.active_members));
  const oursIsCurrent = row.synced_quantity !== null && row.synced_state_at !== null && row.provider_state_at !== null && new Date(row.synced_state_at).getTime() === new Date(row.provider_state_at).getTime();
  return wanted !== (oursIsCurrent ? row.synced_quantity : row.seat_quantity);
}

export async function syncSeatsWithMembers(db: Database, provider: BillingProvider, clock: Clock, options: { leaseMs?: number } = {}): Promise<SeatSyncOutcome> {
  const outcome: SeatSyncOutcome = { updated: 0, unchanged: 0, retrying: 0, skipped: 0 };
  const candidates = (await db.query<SeatRow>(STATE_SQL)).filter(needsSync);
  for (const candidate of candidates) {
    const now = clock.now();
    const claimed = await db.query<{ version: number; attempts: number }>(
      `insert into seat_syncs (organization_id, leased_until, updated_at) values ($1, $2, $3)
       on conflict (organization_id) do update set leased_until = excluded.leased_until, updated_at = excluded.updated_at
        where (seat_syncs.leased_until is null or seat_syncs.leased_until <= $3)
          and (seat_syncs.next_attempt_at is null or seat_syncs.next_attempt_at <= $3)
       returning version, attempts`,
      [candidate.organization_id, new Date(now.getTime() + (options.leaseMs ?? SEAT_SYNC_LEASE_MS)), now],
    );
    if (!claimed[0]) {
      outcome.skipped++;
      continue;
    }
    // Read again under the lease: another process may have just synced it, or members changed.
    const [row] = await db.query<SeatRow>(`${STATE_SQL} and s.organization_id = $1`, [candidate.organization_id]);
    if (!row || !needsSync(row)) {
      await db.query(`update seat_syncs set leased_until = null where organization_id = $1`, [candidate.organization_id]);
      outcome.skipped++;
      continue;
    }
    const activeMembers = Number(row.active_members);
    const { version, attempts } = claimed[0];
    try {
      const result = await provider.updateSeats({
        subscriptionId: row.provider_subscription_id,
        activeMembers,
        includedSeats: includedSeatsOf(row),
        operationId: `seats-${row.organization_id}-${activeMembers}-v${version}-a${attempts}`,
      });
      await db.query(
        `update seat_syncs set leased_until = null, attempts = 0, next_attempt_at = null, last_error = null,
                synced_quantity = $2, synced_state_at = $3, version = version + $4, updated_at = $5
          where organization_id = $1`,
        [row.organization_id, result.extraSeats, row.provider_state_at, result.changed ? 1 : 0, clock.now()],
      );
      if (result.changed) outcome.updated++;
      else outcome.unchanged++;
    } catch (error) {
      if (!(error instanceof AppError)) logUnexpectedError('sync-seats-with-members', error);
      const failedAt = clock.now();
      await db.query(
        `update seat_syncs set leased_until = null, attempts = attempts + 1, next_attempt_at = $2, last_error = $3, updated_at = $4 where organization_id = $1`,
        [row.organization_id, new Date(failedAt.getTime() + retryDelayMs(attempts + 1)), `Attempt ${attempts + 1} failed, will retry: ${describeReportError(error)}`, failedAt],
      );
      outcome.retrying++;
    }
  }
  return outcome;
}
