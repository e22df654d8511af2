import { z } from 'zod';
import { plainText } from '../validation/text';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { hashToken } from '../auth/session-tokens';
import { AppError } from '../errors';

export const invitationTokenInput = z.object({ token: plainText().min(10, 'This invitation link is incomplete.').max(200) });

/** The invitation behind a link, if it can still be accepted; otherwise a message saying why not. */
export async function findUsableInvitation(db: Pick<Database['prisma'], 'invitation' | 'invitationToken'>, token: string, clock: Clock) {
  // The global lookup names the organization; the invitation is read by its tenant's key and its
  // own hash checked, so a lookup row can never open another invitation.
  const hash = hashToken(token);
  const lookup = await db.invitationToken.findUnique({ where: { tokenHash: hash } });
  const found = lookup
    ? await db.invitation.findUnique({ where: { organizationId_id: { organizationId: lookup.organizationId, id: lookup.invitationId } }, include: { organization: { select: { name: true, deletionScheduledAt: true } } } })
    : null;
  const invitation = found?.tokenHash === hash ? found : null;
  if (!invitation) throw new AppError('NOT_FOUND', 'This invitation link is not valid. It may have been replaced by a newer one: check your latest email.');
  if (invitation.revokedAt) throw new AppError('PRECONDITION_FAILED', 'This invitation was withdrawn. Ask an admin of the organization for a new one.');
  if (invitation.acceptedAt) throw new AppError('PRECONDITION_FAILED', 'This invitation was already used. Sign in instead.');
  if (invitation.expiresAt <= clock.now()) throw new AppError('PRECONDITION_FAILED', 'This invitation has expired. Ask an admin of the organization to resend it.');
  // A deleting organization is read-only: nobody joins it.
  if (invitation.organization.deletionScheduledAt) throw new AppError('PRECONDITION_FAILED', 'This organization is being deleted, so its invitations no longer work.');
  return invitation;
}

/**
 * What a link holder may see: the invitation itself, and whether *they* are signed in as the
 * invitee. Nothing about other accounts — not even whether the invited email has one: whoever can
 * invite an email to their own organization holds its link, so answering would tell any stranger
 * which emails have accounts. The screen offers "sign in" and "create an account" either way.
 */
export async function describeInvitation(db: Database, input: z.infer<typeof invitationTokenInput>, deps: { clock: Clock; callerEmail: string | null }) {
  const invitation = await findUsableInvitation(db.prisma, input.token, deps.clock);
  const [inviter, team] = await Promise.all([
    invitation.invitedById ? db.prisma.user.findUnique({ where: { id: invitation.invitedById }, select: { name: true } }) : null,
    invitation.teamId ? db.prisma.team.findUnique({ where: { organizationId_id: { organizationId: invitation.organizationId, id: invitation.teamId } }, select: { name: true } }) : null,
  ]);
  return {
    organizationName: invitation.organization.name,
    email: invitation.email,
    role: invitation.role,
    teamName: team?.name ?? null,
    inviterName: inviter?.name ?? null,
    signedInAsInvitee: deps.callerEmail === invitation.email,
    expiresAt: invitation.expiresAt,
  };
}
