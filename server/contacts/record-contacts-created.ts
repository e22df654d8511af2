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

/**
 * Counts created contacts, in the transaction that created them (so each is counted exactly once:
 * a retried upload finds them existing and creates nothing). One event per team attribution, keyed
 * by the first contact created in it — a key no other creation can produce — with the ids' count as
 * quantity; a single contact's event carries its id as the resource.
 */
export async function recordContactsCreated(
  db: Database,
  organizationId: string,
  created: readonly { id: string; teamId: string | null }[],
  actorUserId: string,
  clock: Clock,
  source: { importId?: string } = {},
): Promise<void> {
  if (created.length === 0) return;
  const byTeam = new Map<string | null, string[]>();
  for (const c of created) byTeam.set(c.teamId, [...(byTeam.get(c.teamId) ?? []), c.id]);
  const events = [...byTeam].map(([teamId, ids]) => ({
    metric: 'contacts_created',
    quantity: ids.length,
    idempotencyKey: `contact-created:${ids[0]}`,
    user: actorUserId,
    team: teamId ?? undefined,
    resourceType: source.importId ? 'contact_import' : 'contact',
    resourceId: source.importId ?? ids[0],
  }));
  const results = await recordUsageEvents(db, organizationId, events, clock);
  const rejected = results.find((r) => r.status === 'rejected');
  // Attribution comes from rows just checked inside this organization; a refusal here is a bug.
  if (rejected && rejected.status === 'rejected') throw new Error(`contacts_created usage refused: ${rejected.reason}`);
}
