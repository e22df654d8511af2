import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import type { Database } from '../db/open-database';
import { auditFiltersInput, auditWhere, namesOf } from './list-audit-events';

export const exportAuditEventsInput = auditFiltersInput;
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

/**
 * The filtered trail as CSV (oldest first, at most AUDIT_EXPORT_MAX_ROWS rows), with each event's
 * place in the chain and its hash, so an export can be checked against the chain later.
 */
export async function exportAuditEvents(db: Database, organizationId: string, input: z.infer<typeof exportAuditEventsInput>) {
  const rows = await db.prisma.auditEvent.findMany({ where: auditWhere(organizationId, input), orderBy: [{ seq: 'asc' }], take: AUDIT_EXPORT_MAX_ROWS + 1 });
  const truncated = rows.length > AUDIT_EXPORT_MAX_ROWS;
  const kept = rows.slice(0, AUDIT_EXPORT_MAX_ROWS);
  const people = await namesOf(db, kept.flatMap((r) => [r.actorUserId, r.impersonatorUserId]));
  const who = (id: string | null) => (id ? (people.get(id)?.email ?? id) : '');
  const csv = stringify(
    kept.map((r) => [
      r.seq.toString(),
      r.createdAt.toISOString(),
      who(r.actorUserId),
      who(r.impersonatorUserId),
      r.impersonationId ?? '',
      r.action,
      r.targetType,
      r.targetId ?? '',
      r.reason ?? '',
      r.before === null ? '' : JSON.stringify(r.before),
      r.after === null ? '' : JSON.stringify(r.after),
      r.prevHash,
      r.hash,
    ]),
    {
      header: true,
      columns: ['seq', 'time', 'actor', 'impersonated_by', 'impersonation_id', 'action', 'target_type', 'target_id', 'reason', 'before', 'after', 'prev_hash', 'hash'],
      // Spreadsheet formula injection: a cell starting with = + - @ is read as text.
      cast: { string: (value) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value) },
    },
  );
  return { csv, rows: kept.length, truncated };
}
