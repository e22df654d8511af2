import type { Database } from '../db/open-database';
import { verifyAuditChain } from './verify-audit-chain';

/** The organization's chain as the viewer shows it: verified from its first event, or where it breaks. */
export async function getAuditChainState(db: Database, organizationId: string) {
  const report = await verifyAuditChain(db, organizationId);
  return { ok: report.ok, events: report.events, lastSeq: report.lastSeq, headHash: report.lastHash, firstBreak: report.firstBreak, checkedAt: new Date() };
}
