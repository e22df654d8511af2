import type { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { findPendingInvitation, type invitationIdInput } from './resend-invitation';

export async function revokeInvitation(services: AppServices, actor: Actor, input: z.infer<typeof invitationIdInput>) {
  const invitation = await findPendingInvitation(services, actor, input.invitationId);
  await services.db.prisma.$transaction(async (tx) => {
    await tx.invitation.update({ where: { organizationId_id: { organizationId: actor.organizationId, id: invitation.id } }, data: { revokedAt: services.clock.now() } });
    await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'invitation.revoke', targetType: 'invitation', targetId: invitation.id, before: { email: invitation.email } });
  });
  return { ok: true as const };
}
