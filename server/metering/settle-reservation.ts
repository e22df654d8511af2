import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { idempotencyKeySchema, usageDetailsSchema } from './usage-details';
import { afterReservationCommitted } from '../alerts/usage-alert-hooks';

export const commitReservationInput = usageDetailsSchema.extend({
  quantity: z
    .number()
    .int()
    .min(0)
    .max(1_000_000_000)
    .describe('Actual quantity used, at most the reserved amount (more is refused with 409 commit_exceeds_reservation); defaults to all of it.')
    .optional(),
  idempotencyKey: idempotencyKeySchema.describe("The usage event's idempotency key; defaults to reservation:<id>. A key another event already has is refused with 409 idempotency_key_in_use.").optional(),
});

/**
 * What settling did. Only 'committed', 'released' and 'expired' changed anything; every other
 * status left the reservation and the counters as they were.
 */
export type SettleResult =
  | { status: 'committed' | 'released' | 'expired'; committedQuantity: number; eventId: string | null }
  /** Settled before (committed, released or expired); committedQuantity is what was committed then. */
  | { status: 'already_committed' | 'already_released' | 'already_expired'; committedQuantity: number }
  /** The commit asked for more than was reserved; the reservation is still pending. */
  | { status: 'commit_exceeds_reservation'; reserved: number; requested: number }
  /** Another usage event already has this idempotency key; the reservation is still pending. */
  | { status: 'idempotency_key_in_use'; idempotencyKey: string };

type SettleInput = z.output<typeof commitReservationInput>;

async function settle(db: Database, organizationId: string, reservationId: string, commit: boolean, input: SettleInput, clock: Clock): Promise<SettleResult> {
  const [row] = await db.query<{ status: string; committed_quantity: string | null; event_id: string | null }>(
    'select * from meterdesk_settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)',
    [
      organizationId,
      reservationId,
      commit,
      commit ? (input.quantity ?? null) : 0,
      commit ? 'committed' : 'released',
      clock.now(),
      input.idempotencyKey ?? null,
      input.resourceType ?? null,
      input.resourceId ?? null,
      input.metadata ? JSON.stringify(input.metadata) : null,
      input.costMicros ?? null,
      input.priceMicros ?? null,
      input.currency ?? null,
    ],
  );
  const status = row!.status;
  const quantity = Number(row!.committed_quantity ?? 0);
  switch (status) {
    case 'not_found':
      throw new AppError('NOT_FOUND', 'That reservation does not exist in this organization.');
    case 'commit_exceeds_reservation':
      return { status, reserved: quantity, requested: input.quantity ?? quantity };
    case 'idempotency_key_in_use':
      return { status, idempotencyKey: input.idempotencyKey ?? `reservation:${reservationId}` };
    case 'already_committed':
    case 'already_released':
    case 'already_expired':
      return { status, committedQuantity: quantity };
    case 'committed':
    case 'released':
    case 'expired':
      // Usage alerts for the counters the commit moved: checked after the response, never failing it.
      if (status === 'committed' && quantity > 0) afterReservationCommitted(db, organizationId, reservationId);
      return { status, committedQuantity: quantity, eventId: row!.event_id };
    default:
      throw new Error(`meterdesk_settle answered an unknown status: ${status}`);
  }
}

/**
 * Turns a reservation into usage: writes its ledger event and moves the counters together, or
 * changes nothing and says why (settled before, more than reserved, idempotency key in use).
 */
export function commitReservation(db: Database, organizationId: string, reservationId: string, input: SettleInput, clock: Clock) {
  return settle(db, organizationId, reservationId, true, input, clock);
}

/** Gives a reservation's quantity (and any credits it drew) back. */
export function releaseReservation(db: Database, organizationId: string, reservationId: string, clock: Clock) {
  return settle(db, organizationId, reservationId, false, {}, clock);
}

/** Releases reservations whose time ran out; returns how many. Safe to run from every server at once. */
export async function expireReservations(db: Database, clock: Clock, batch = 500): Promise<number> {
  const [row] = await db.query<{ n: number }>('select meterdesk_expire_reservations($1, $2) as n', [clock.now(), batch]);
  return Number(row!.n);
}
