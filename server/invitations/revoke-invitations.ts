// Bulk revoke from the invitations tab: every selected invitation that is still open is revoked
// (its link stops working) and audited, in one transaction; the others are reported with why.
import type { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { closedReason, resolveSelectedInvitations, type BulkOutcome, type bulkInvitationsInput } from './bulk-invitations';

export async function revokeInvitations(services: AppServices, actor: Actor, input: z.infer<typeof bulkInvitationsInput>): Promise<BulkOutcome> {
  const rows = await resolveSelectedInvitations(services.db, actor, input.invitationIds);
  const outcome: BulkOutcome = { done: [], skipped: [] };
  const now = services.clock.now();
  await services.db.prisma.$transaction(async (tx) => {
    for (const row of rows) {
      const reason = closedReason(row);
      if (reason) {
        outcome.skipped.push({ id: row.id, email: row.email, reason });
        continue;
      }
      // Conditional: an invitation accepted or revoked since it was read is left alone and reported.
      const { count } = await tx.invitation.updateMany({ where: { organizationId: actor.organizationId, id: row.id, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
      if (count === 0) {
        outcome.skipped.push({ id: row.id, email: row.email, reason: 'Accepted or revoked meanwhile.' });
        continue;
      }
      await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'invitation.revoke', targetType: 'invitation', targetId: row.id, before: { email: row.email }, after: { bulk: true } });
      outcome.done.push({ id: row.id, email: row.email });
    }
  });
  return outcome;
}
