// contacts_created usage (the metrics catalog), capped like every metered action: quota for the new
// contacts is reserved first (per-user limit → team budget → organization quota → credits → the
// plan's overage policy), the contacts are created, and the reservation is committed with the
// number actually created in the same transaction (the rest goes back). One event per creation,
// keyed by the first contact created in it — a key no other creation can produce — with the
// count as quantity; a retried import finds its contacts existing and creates (and counts) nothing.
import type { Prisma } from '../db/generated/client';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { reserveUsage } from '../metering/reserve-usage';
import { afterReservationCommitted } from '../alerts/usage-alert-hooks';
import { releaseReservation } from '../metering/settle-reservation';

/** The database seen through an open transaction, for use cases that take a Database (usage). */
export function inTransaction(db: Database, tx: Prisma.TransactionClient): Database {
  const query = <T>(sql: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(sql, ...params);
  return { ...db, query, queryVolatile: query };
}

/** Long enough for the slowest import upload's transaction (60 s) with room to spare. */
const CONTACTS_RESERVATION_TTL_SECONDS = 600;

export interface ContactsReservation {
  reservationId: string | null;
  /** How many new contacts may be created (≤ asked). */
  allowed: number;
  /** Why fewer than asked (the cap's message), or null. */
  refusal: string | null;
}

/**
 * Reserves contacts_created for up to `count` new contacts. Past a cap with some room left, the room
 * left is reserved (an import creates that many and reports the rest row by row).
 */
export async function reserveContactsCreated(db: Database, actor: Actor, count: number, teamId: string | null, clock: Clock): Promise<ContactsReservation> {
  if (count <= 0) return { reservationId: null, allowed: 0, refusal: null };
  const ask = (quantity: number) =>
    reserveUsage(db, actor.organizationId, { metric: 'contacts_created', quantity, user: actor.userId, team: teamId ?? undefined, ttlSeconds: CONTACTS_RESERVATION_TTL_SECONDS }, clock);
  let result = await ask(count);
  if (result.status === 'reserved') return { reservationId: result.reservationId, allowed: count, refusal: null };
  if (result.status === 'invalid') throw new Error(`contacts_created reservation refused: ${result.message}`);
  const capped = result.scope === 'user' || result.scope === 'team' || result.scope === 'organization';
  const refusal = capped ? contactsQuotaMessage(result.message) : result.message;
  const room = capped ? (result.remaining ?? 0) : 0;
  if (room <= 0 || room >= count) return { reservationId: null, allowed: 0, refusal };
  result = await ask(room);
  if (result.status === 'reserved') return { reservationId: result.reservationId, allowed: room, refusal };
  return { reservationId: null, allowed: 0, refusal: result.status === 'blocked' ? contactsQuotaMessage(result.message) : refusal };
}

export function contactsQuotaMessage(capMessage: string) {
  return `Over the contacts quota: ${capMessage}`;
}

/**
 * Commits the reservation with the contacts created, inside the transaction that created them (so
 * they are counted exactly when they exist). A reservation that ran out meanwhile rolls it all back.
 */
export async function commitContactsCreated(
  tx: Prisma.TransactionClient,
  organizationId: string,
  reservation: ContactsReservation,
  created: readonly { id: string }[],
  now: Date,
  source: { importId?: string } = {},
): Promise<void> {
  if (!reservation.reservationId) {
    if (created.length > 0) throw new Error('contacts created without a contacts_created reservation');
    return;
  }
  if (created.length > reservation.allowed) throw new Error(`created ${created.length} contacts on a reservation of ${reservation.allowed}`);
  const [row] = await tx.$queryRawUnsafe<{ status: string }[]>(
    'select status from meterdesk_settle($1::uuid, $2::uuid, true, $3::bigint, $4, $5::timestamptz, $6, $7, $8, null, null, null, null)',
    organizationId,
    reservation.reservationId,
    created.length,
    'committed',
    now,
    created.length > 0 ? `contact-created:${created[0]!.id}` : null,
    source.importId ? 'contact_import' : 'contact',
    source.importId ?? created[0]?.id ?? null,
  );
  if (row?.status !== 'committed') {
    throw new AppError('CONFLICT', 'Creating these contacts took too long and their quota was given back; nothing was saved. Try again.');
  }
}

/** After the transaction: alerts for the moved counters, or the reservation back when nothing committed. */
export async function settleContactsReservation(db: Database, organizationId: string, reservation: ContactsReservation, committed: boolean, clock: Clock) {
  if (!reservation.reservationId) return;
  if (committed) afterReservationCommitted(db, organizationId, reservation.reservationId);
  else await releaseReservation(db, organizationId, reservation.reservationId, clock);
}
