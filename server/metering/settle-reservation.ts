import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { usageDetailsSchema } from './usage-details';

export const commitReservationInput = usageDetailsSchema.extend({
  /** Actual quantity used, at most the reserved amount; defaults to all of it. */
  quantity: z.number().int().min(0).max(1_000_000_000).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});

export interface SettleResult {
  status: 'committed' | 'released' | 'expired';
  committedQuantity: number;
  eventId: string | null;
}

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
  if (row!.status === 'not_found') throw new AppError('NOT_FOUND', 'That reservation does not exist in this organization.');
  return { status: row!.status as SettleResult['status'], committedQuantity: Number(row!.committed_quantity ?? 0), eventId: row!.event_id };
}

/** Turns a reservation into usage (one ledger event). Committing twice changes nothing. */
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
