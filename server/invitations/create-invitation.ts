import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { emailSchema } from '../auth/validation';
import type { Actor } from '../members/member-scope';
import { ORG_ROLES } from '../permissions/permissions';
import { findInvitationProblems } from './invitation-rules';
import { issueInvitations, mailInvitations } from './send-invitations';

export const invitationTargetSchema = z.object({
  email: emailSchema,
  role: z.enum(ORG_ROLES).default('member'),
  teamId: z.uuid().nullish(),
});

export async function createInvitation(services: AppServices, actor: Actor, input: z.infer<typeof invitationTargetSchema>) {
  const problems = await findInvitationProblems(services.db, actor, [input], services.clock);
  const first = problems.get(input.email)?.[0];
  if (first) throw first;
  const [issued] = await services.db.prisma.$transaction(async (tx) => {
    const invitations = await issueInvitations(tx, actor, [input], services.clock.now());
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'invitation.create',
      targetType: 'invitation',
      targetId: invitations[0]!.id,
      after: { email: input.email, role: input.role, teamId: input.teamId ?? null },
    });
    return invitations;
  });
  await mailInvitations(services, actor, [issued!]);
  // 'outbox': no email server is set up, so the console must say the link is there to be sent by hand.
  return { id: issued!.id, email: issued!.email, role: issued!.role, expiresAt: issued!.expiresAt, delivery: services.mailer.transport };
}
