// Bulk resend from the invitations tab: each selected open invitation gets a fresh link (the old
// one stops working) and a new expiry, audited, then mailed after the transaction commits. Owner
// invitations are resent only by owners. When neither SMTP nor the outbox can carry a link (no OS
// keychain to seal it), the links are returned to this admin, once.
import type { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { newToken } from '../auth/session-tokens';
import type { Actor } from '../members/member-scope';
import { closedReason, resolveSelectedInvitations, type BulkOutcome, type bulkInvitationsInput } from './bulk-invitations';
import { INVITATION_TTL_MS } from './invitation-rules';
import { invitationLink, mailInvitations, type IssuedInvitation } from './send-invitations';
import { setInvitationToken } from './invitation-tokens';

export async function resendInvitations(services: AppServices, actor: Actor, input: z.infer<typeof bulkInvitationsInput>): Promise<BulkOutcome & { links: Array<{ email: string; link: string }> }> {
  const rows = await resolveSelectedInvitations(services.db, actor, input.invitationIds);
  const outcome: BulkOutcome = { done: [], skipped: [] };
  const now = services.clock.now();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const issued: IssuedInvitation[] = [];
  await services.db.prisma.$transaction(async (tx) => {
    for (const row of rows) {
      const reason = closedReason(row) ?? (row.role === 'owner' && actor.role !== 'owner' ? 'Only owners can invite owners.' : null);
      if (reason) {
        outcome.skipped.push({ id: row.id, email: row.email, reason });
        continue;
      }
      const { token, hash } = newToken('mdi');
      const { count } = await tx.invitation.updateMany({
        where: { organizationId: actor.organizationId, id: row.id, acceptedAt: null, revokedAt: null },
        data: { tokenHash: hash, expiresAt, lastSentAt: now, sendCount: { increment: 1 } },
      });
      if (count === 0) {
        outcome.skipped.push({ id: row.id, email: row.email, reason: 'Accepted or revoked meanwhile.' });
        continue;
      }
      await setInvitationToken(tx, actor.organizationId, row.id, hash);
      await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'invitation.resend', targetType: 'invitation', targetId: row.id, after: { email: row.email, bulk: true } });
      issued.push({ id: row.id, email: row.email, role: row.role, expiresAt, token });
      outcome.done.push({ id: row.id, email: row.email });
    }
  });
  if (issued.length === 0) return { ...outcome, links: [] };
  const linkKept = await mailInvitations(services, actor, issued);
  const links = services.mailer.transport === 'outbox' ? issued.filter((i) => !linkKept.get(i.id)).map((i) => ({ email: i.email, link: invitationLink(services, i.token) })) : [];
  return { ...outcome, links };
}
