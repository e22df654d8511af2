// Shared by the bulk revoke and resend use cases: the selected ids, resolved inside the acting
// organization. An id that is not one of its invitations refuses the whole request (nothing is
// written, nothing is said about whose it is); ids that are its own but cannot be acted on any
// more (accepted, revoked) are reported one by one, beside those that were done.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';

/** The most invitations one bulk action takes: what the list shows at once. */
export const BULK_INVITATIONS_MAX = 1000;

export const bulkInvitationsInput = z.object({
  invitationIds: z
    .array(z.uuid('Each selected invitation must be an invitation id.'))
    .min(1, 'Select at least one invitation.')
    .max(BULK_INVITATIONS_MAX, `Select at most ${BULK_INVITATIONS_MAX} invitations at once.`),
});

export interface BulkOutcome {
  done: Array<{ id: string; email: string }>;
  skipped: Array<{ id: string; email: string; reason: string }>;
}

export async function resolveSelectedInvitations(db: Database, actor: Actor, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await db.prisma.invitation.findMany({ where: { organizationId: actor.organizationId, id: { in: unique } }, orderBy: { createdAt: 'asc' } });
  const missing = unique.length - rows.length;
  if (missing > 0) {
    throw new AppError('NOT_FOUND', `${missing === 1 ? 'One selected invitation does' : `${missing} selected invitations do`} not exist in this organization: nothing was changed. Reload the list and select again.`, { field: 'invitationIds' });
  }
  return rows;
}

/** Why an invitation can no longer be revoked or resent, or null when it can. */
export function closedReason(row: { acceptedAt: Date | null; revokedAt: Date | null }): string | null {
  if (row.acceptedAt) return 'Already accepted.';
  if (row.revokedAt) return 'Already revoked.';
  return null;
}
