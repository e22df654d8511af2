import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { newToken } from '../auth/session-tokens';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { INVITATION_TTL_MS } from './invitation-rules';
import { invitationLink, mailInvitations } from './send-invitations';
import { setInvitationToken } from './invitation-tokens';

export const invitationIdInput = z.object({ invitationId: z.uuid() });

export async function findPendingInvitation(services: Pick<AppServices, 'db'>, actor: Actor, invitationId: string) {
  const invitation = await services.db.prisma.invitation.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id: invitationId } } });
  if (!invitation) throw new AppError('NOT_FOUND', 'That invitation does not exist in this organization.');
  if (invitation.acceptedAt) throw new AppError('PRECONDITION_FAILED', `${invitation.email} already accepted this invitation.`);
  if (invitation.revokedAt) throw new AppError('PRECONDITION_FAILED', 'This invitation was revoked; invite them again.');
  return invitation;
}

/**
 * Sends a fresh link (the old one stops working) and restarts the expiry clock. When neither SMTP
 * nor the outbox can carry it (no OS keychain to seal it), the link is returned to this admin, once.
 */
export async function resendInvitation(services: AppServices, actor: Actor, input: z.infer<typeof invitationIdInput>) {
  const invitation = await findPendingInvitation(services, actor, input.invitationId);
  if (invitation.role === 'owner' && actor.role !== 'owner') throw new AppError('FORBIDDEN', 'Only owners can invite owners.');
  const now = services.clock.now();
  const { token, hash } = newToken('mdi');
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  await services.db.prisma.$transaction(async (tx) => {
    await tx.invitation.update({
      where: { organizationId_id: { organizationId: actor.organizationId, id: invitation.id } },
      data: { tokenHash: hash, expiresAt, lastSentAt: now, sendCount: { increment: 1 } },
    });
    await setInvitationToken(tx, actor.organizationId, invitation.id, hash);
    await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'invitation.resend', targetType: 'invitation', targetId: invitation.id, after: { email: invitation.email } });
  });
  const linkKept = await mailInvitations(services, actor, [{ id: invitation.id, email: invitation.email, role: invitation.role, expiresAt, token }]);
  const undelivered = services.mailer.transport === 'outbox' && !linkKept.get(invitation.id);
  return { expiresAt, link: undelivered ? invitationLink(services, token) : null };
}
