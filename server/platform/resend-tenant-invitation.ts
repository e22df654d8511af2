// Use case (platform support): resend a tenant's pending invitation for someone whose link was lost
// or expired: a fresh link (the old one stops working), mailed as the tenant's own resend would be,
// with a reason and audited once per request in the tenant's trail.
import type { z } from 'zod';
import { z as zod } from 'zod';
import type { AppServices } from '../api/trpc';
import { newToken } from '../auth/session-tokens';
import { auditOncePerRequest, platformActionInput } from '../billing/platform-billing-action';
import { AppError } from '../errors';
import { INVITATION_TTL_MS } from '../invitations/invitation-rules';
import { invitationLink, mailInvitations } from '../invitations/send-invitations';
import { setInvitationToken } from '../invitations/invitation-tokens';

export const resendTenantInvitationInput = platformActionInput.extend({ invitationId: zod.uuid('invitationId must be an invitation id') });

export async function resendTenantInvitation(services: AppServices, actorUserId: string, input: z.output<typeof resendTenantInvitationInput>) {
  const invitation = await services.db.prisma.invitation.findUnique({ where: { organizationId_id: { organizationId: input.organizationId, id: input.invitationId } } });
  if (!invitation) throw new AppError('NOT_FOUND', 'That invitation does not exist in this organization.', { field: 'invitationId' });
  if (invitation.acceptedAt) throw new AppError('PRECONDITION_FAILED', `${invitation.email} already accepted this invitation.`);
  if (invitation.revokedAt) throw new AppError('PRECONDITION_FAILED', 'This invitation was revoked: the tenant’s admins can invite them again.');
  const now = services.clock.now();
  const { token, hash } = newToken('mdi');
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const { replayed } = await auditOncePerRequest(
    services.db,
    { organizationId: input.organizationId, requestId: input.requestId, actorUserId, reason: input.reason },
    {
      action: 'platform.invitation.resend',
      targetType: 'invitation',
      targetId: invitation.id,
      before: { expiresAt: invitation.expiresAt.toISOString(), sendCount: invitation.sendCount },
      after: { email: invitation.email, expiresAt: expiresAt.toISOString() },
      apply: async (tx) => {
        const { count } = await tx.invitation.updateMany({
          where: { organizationId: input.organizationId, id: invitation.id, acceptedAt: null, revokedAt: null },
          data: { tokenHash: hash, expiresAt, lastSentAt: now, sendCount: { increment: 1 } },
        });
        if (count !== 1) throw new AppError('CONFLICT', 'This invitation changed meanwhile: reload and try again.');
        await setInvitationToken(tx, input.organizationId, invitation.id, hash);
      },
    },
  );
  if (replayed) return { expiresAt: null, link: null, replayed: true };
  const actor = { organizationId: input.organizationId, userId: actorUserId, role: 'owner' as const };
  const linkKept = await mailInvitations(services, actor, [{ id: invitation.id, email: invitation.email, role: invitation.role, expiresAt, token }]);
  const undelivered = services.mailer.transport === 'outbox' && !linkKept.get(invitation.id);
  return { expiresAt, link: undelivered ? invitationLink(services, token) : null, replayed: false };
}
