import type { Database } from '../db/open-database';
import { auditEventHash, chainKeyOf, CHAIN_ROW_SQL, GENESIS_HASH, PLATFORM_CHAIN_ROW_SQL, type ChainRow } from './audit-chain';

export type ChainProblem =
  /** The event's content no longer matches its own hash: it was changed after it was recorded. */
  | 'edited'
  /** Numbers are missing before this event: events were deleted. */
  | 'missing'
  /** Another event already holds this number: an event was inserted. */
  | 'inserted'
  /** The event does not point at the one before it: the one before was replaced, or this one inserted. */
  | 'broken_link'
  /** The chain's head (kept apart from the events) names another last event: events at the end were deleted or added. */
  | 'head_mismatch';

export interface ChainBreak {
  problem: ChainProblem;
  /** The position where the chain stops holding, and the event found there (null at the tail). */
  seq: string;
  eventId: string | null;
  message: string;
}

export interface ChainReport {
  chainKey: string;
  organizationId: string | null;
  /** Events checked (up to the first break). */
  events: number;
  lastSeq: string;
  lastHash: string;
  ok: boolean;
  firstBreak: ChainBreak | null;
}

const PAGE = 2000;

/**
 * Walks one chain (an organization's, or the platform's with null) from its first event, recomputing
 * every hash, and reports the first broken link. Reads in pages by (seq, id), so a chain of any
 * length is checked in bounded memory.
 */
export async function verifyAuditChain(db: Database, organizationId: string | null): Promise<ChainReport> {
  const chainKey = chainKeyOf(organizationId);
  // An organization's chain lives with its rows; the platform's in its own global tables.
  const [head] = organizationId
    ? await db.query<{ last_seq: string; last_hash: string }>(`select last_seq::text, last_hash from audit_chain_heads where organization_id = $1::uuid`, [organizationId])
    : await db.query<{ last_seq: string; last_hash: string }>(`select last_seq::text, last_hash from platform_audit_chain_heads where chain_key = 'platform'`);
  const table = organizationId ? 'audit_events' : 'platform_audit_events';
  const scope = organizationId ? `organization_id = $1::uuid` : `true`;
  let expected = 1n;
  let prevHash = GENESIS_HASH;
  let events = 0;
  let after: { seq: string; id: string } | null = null;
  const report = (firstBreak: ChainBreak | null): ChainReport => ({ chainKey, organizationId, events, lastSeq: (expected - 1n).toString(), lastHash: prevHash, ok: !firstBreak, firstBreak });

  for (;;) {
    const params: unknown[] = organizationId ? [organizationId] : [];
    let keyset = '';
    if (after) {
      params.push(after.seq, after.id);
      keyset = `and (seq, id) > ($${params.length - 1}::bigint, $${params.length}::uuid)`;
    }
    const rows = await db.query<ChainRow>(`select ${organizationId ? CHAIN_ROW_SQL : PLATFORM_CHAIN_ROW_SQL} from ${table} where ${scope} ${keyset} order by ${table}.seq, ${table}.id limit ${PAGE}`, params);
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (auditEventHash(row.prev_hash, row) !== row.hash) {
        return report({ problem: 'edited', seq: row.seq, eventId: row.id, message: `Event #${row.seq} (${row.id}) no longer matches its hash: it was changed after it was recorded.` });
      }
      if (seq > expected) {
        return report({ problem: 'missing', seq: expected.toString(), eventId: row.id, message: `Events #${expected}${seq - 1n > expected ? `–#${seq - 1n}` : ''} are missing before event #${row.seq} (${row.id}): deleted.` });
      }
      if (seq < expected) {
        return report({ problem: 'inserted', seq: row.seq, eventId: row.id, message: `Event ${row.id} repeats number #${row.seq}: it was inserted into the chain.` });
      }
      if (row.prev_hash !== prevHash) {
        return report({ problem: 'broken_link', seq: row.seq, eventId: row.id, message: `Event #${row.seq} (${row.id}) does not follow event #${seq - 1n}: that event was replaced, or this one inserted.` });
      }
      prevHash = row.hash;
      expected = seq + 1n;
      events++;
    }
    if (rows.length < PAGE) break;
    const last = rows.at(-1)!;
    after = { seq: last.seq, id: last.id };
  }
  const lastSeq = (expected - 1n).toString();
  const headSeq = head?.last_seq ?? '0';
  const headHash = head?.last_hash ?? GENESIS_HASH;
  if (headSeq !== lastSeq || headHash !== prevHash) {
    return report({
      problem: 'head_mismatch',
      seq: headSeq,
      eventId: null,
      message: `The chain's head names event #${headSeq} (${headHash.slice(0, 12)}…) but the last event is #${lastSeq} (${prevHash.slice(0, 12)}…): events at the end were deleted or added.`,
    });
  }
  return report(null);
}

/** Every chain in the database: the platform's, and each organization's that has events or a head. */
export async function verifyAllAuditChains(db: Database): Promise<ChainReport[]> {
  const chains = await db.query<{ organization_id: string }>(
    `select distinct organization_id::text from audit_events union select organization_id::text from audit_chain_heads order by 1`,
  );
  const [platform] = await db.query<{ any: boolean }>(
    `select exists (select 1 from platform_audit_events) or exists (select 1 from platform_audit_chain_heads) as any`,
  );
  const reports: ChainReport[] = platform?.any ? [await verifyAuditChain(db, null)] : [];
  for (const { organization_id } of chains) reports.push(await verifyAuditChain(db, organization_id));
  return reports;
}
