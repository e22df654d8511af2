// contacts_created usage (the metrics catalog): one event per created contact, keyed by the
// contact's id so a retried import or create can never count it twice.
import type { Prisma } from '../db/generated/client';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { recordUsageEvents } from '../metering/record-usage-events';

/** The database seen through an open transaction, for use cases that take a Database (usage). */
export function inTransaction(db: Database, tx: Prisma.TransactionClient): Database {
  const query = <T>(sql: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(sql, ...params);
  return { ...db, query, queryVolatile: query };
}

export async function recordContactsCreated(
  db: Database,
  organizationId: string,
  created: readonly { id: string; teamId: string | null }[],
  actorUserId: string,
  clock: Clock,
): Promise<void> {
  if (created.length === 0) return;
  const events = created.map((c) => ({
    metric: 'contacts_created',
    quantity: 1,
    idempotencyKey: `contact-created:${c.id}`,
    user: actorUserId,
    team: c.teamId ?? undefined,
    resourceType: 'contact',
    resourceId: c.id,
  }));
  const results = await recordUsageEvents(db, organizationId, events, clock);
  const rejected = results.find((r) => r.status === 'rejected');
  // Attribution comes from rows just checked inside this organization; a refusal here is a bug.
  if (rejected && rejected.status === 'rejected') throw new Error(`contacts_created usage refused: ${rejected.reason}`);
}
