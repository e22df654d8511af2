import type { Prisma } from '../db/generated/client';
import { currentImpersonation } from './audit-actor-context';

export interface AuditEntry {
  organizationId?: string | null;
  actorUserId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** The real actor when actorUserId is being impersonated; filled in from the request's context when omitted. */
  impersonatorUserId?: string | null;
  impersonationId?: string | null;
}

type Tx = Pick<Prisma.TransactionClient, 'auditEvent' | 'platformAuditEvent'>;

/**
 * Appends one audit event; call inside the transaction that makes the change it records. The
 * database chains it (seq, prev_hash, hash: trigger audit_events_chain) under a lock on the chain's
 * head, so the event's place in its chain is decided when the transaction commits its change.
 */
export async function recordAuditEvent(tx: Tx, entry: AuditEntry): Promise<void> {
  const impersonation = currentImpersonation();
  // Everything the impersonated user causes during an impersonation names the real actor too.
  const impersonated = !entry.impersonatorUserId && impersonation && entry.actorUserId === impersonation.impersonatedUserId ? impersonation : null;
  const data = {
    actorUserId: entry.actorUserId ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: (entry.before ?? undefined) as Prisma.InputJsonValue | undefined,
    after: (entry.after ?? undefined) as Prisma.InputJsonValue | undefined,
    reason: entry.reason ?? null,
    impersonatorUserId: entry.impersonatorUserId ?? impersonated?.impersonatorUserId ?? null,
    impersonationId: entry.impersonationId ?? impersonated?.impersonationId ?? null,
  };
  // An organization's events stay with its other rows (one shard on Citus); the platform's own
  // chain is a global table (server/db/distribution.ts).
  if (entry.organizationId) await tx.auditEvent.create({ data: { ...data, organizationId: entry.organizationId } });
  else await tx.platformAuditEvent.create({ data });
}
