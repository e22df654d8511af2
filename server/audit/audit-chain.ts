// The audit log's hash chain, recomputed here independently of the database's own function, so a
// changed function cannot vouch for changed rows. The canonical serialization (version 1) is the
// one the migration *_audit_chain_and_impersonation documents and audit_event_hash() implements:
//   each field, in the order of CHAIN_FIELDS, as text: `N;` when null, else `<UTF-8 byte length>:<text>;`
//   hash = hex SHA-256 of UTF-8(prev_hash + 'v1' field + the fields); the first prev_hash is 64 zeros.
// JSON fields are hashed in jsonb's text form and created_at as 'YYYY-MM-DDTHH:MI:SS.ffffffZ' (UTC):
// both are read from the database as text, exactly as they are stored.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);
export const CHAIN_VERSION = 'v1';

/** One event as the chain sees it: every column as stored, in text form. */
export interface ChainRow {
  id: string;
  seq: string;
  prev_hash: string;
  hash: string;
  organization_id: string | null;
  actor_user_id: string | null;
  impersonator_user_id: string | null;
  impersonation_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: string | null;
  after: string | null;
  reason: string | null;
  created_at: string;
}

const CHAIN_FIELDS = ['seq', 'id', 'organization_id', 'actor_user_id', 'impersonator_user_id', 'impersonation_id', 'action', 'target_type', 'target_id', 'before', 'after', 'reason', 'created_at'] as const;

function field(value: string | null): string {
  return value === null ? 'N;' : `${Buffer.byteLength(value, 'utf8')}:${value};`;
}

export function canonicalAuditText(row: Omit<ChainRow, 'prev_hash' | 'hash'>): string {
  return field(CHAIN_VERSION) + CHAIN_FIELDS.map((f) => field(row[f])).join('');
}

export function auditEventHash(prevHash: string, row: Omit<ChainRow, 'prev_hash' | 'hash'>): string {
  return createHash('sha256').update(prevHash + canonicalAuditText(row), 'utf8').digest('hex');
}

/** The columns of ChainRow, selected as text (the form they are hashed in). */
export const CHAIN_ROW_SQL = `id::text, seq::text, prev_hash, hash, organization_id::text, actor_user_id::text,
  impersonator_user_id::text, impersonation_id::text, action, target_type, target_id, before::text, after::text, reason,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at`;

/** The same for platform_audit_events, whose events are hashed with organization_id null. */
export const PLATFORM_CHAIN_ROW_SQL = CHAIN_ROW_SQL.replace('organization_id::text,', 'null::text as organization_id,');

export function chainKeyOf(organizationId: string | null): string {
  return organizationId ?? 'platform';
}
