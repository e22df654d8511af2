import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { findInvitationProblems } from './invitation-rules';
import { invitationTargetSchema } from './create-invitation';
import { issueInvitations, mailInvitations } from './send-invitations';
import { MAX_CSV_ROWS } from './preview-invitation-csv';

export const createInvitationsInput = z.object({ invitations: z.array(invitationTargetSchema).min(1, 'Nobody to invite.').max(MAX_CSV_ROWS) });

/** Invites many people at once (the CSV import's rows): all of them, or none when any row has a problem. */
export async function createInvitations(services: AppServices, actor: Actor, input: z.infer<typeof createInvitationsInput>) {
  const emails = input.invitations.map((i) => i.email);
  const duplicate = emails.find((e, i) => emails.indexOf(e) !== i);
  if (duplicate) throw new AppError('BAD_REQUEST', `${duplicate} is listed twice.`);
  const problems = await findInvitationProblems(services.db, actor, input.invitations, services.clock);
  if (problems.size > 0) {
    const list = [...problems.values()].flat().map((e) => e.message);
    throw new AppError('BAD_REQUEST', `Nothing was sent: ${list.length} problem${list.length === 1 ? '' : 's'} — ${list.slice(0, 5).join(' ')}${list.length > 5 ? ' …' : ''}`);
  }
  const issued = await services.db.prisma.$transaction(
    async (tx) => {
      const invitations = await issueInvitations(tx, actor, input.invitations, services.clock.now());
      await recordAuditEvent(tx, {
        organizationId: actor.organizationId,
        actorUserId: actor.userId,
        action: 'invitation.create_many',
        targetType: 'organization',
        targetId: actor.organizationId,
        after: { count: invitations.length, emails },
      });
      return invitations;
    },
    { timeout: 60_000 },
  );
  await mailInvitations(services, actor, issued);
  return { invited: issued.length, delivery: services.mailer.transport };
}
