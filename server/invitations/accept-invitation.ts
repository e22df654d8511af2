import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { AuthPolicy } from '../auth/auth-policy';
import { createSession, type CreatedSession } from '../auth/create-session';
import { hashPassword } from '../auth/passwords';
import { passwordProblem, passwordUserInputs } from '../auth/password-rules';
import { personNameSchema } from '../auth/validation';
import { recordAuditEvent } from '../audit/record-audit-event';
import { Prisma } from '../db/generated/client';
import { AppError } from '../errors';
import { findUsableInvitation, invitationTokenInput } from './describe-invitation';

export const acceptInvitationInput = invitationTokenInput.extend({
  /** A new account's name and password. Left out by someone signed in as the invitee. */
  name: personNameSchema.optional(),
  password: z.string().max(200).optional(),
  remember: z.boolean().default(false),
});

/**
 * The answer when "create an account" meets an email that already has one. Creating must fail, and
 * that failure is observable whatever it says; it tells the link holder no more than auth.signUp
 * already tells anyone ("An account with this email already exists"). So the wording stays
 * generic — it neither names the email nor says that an account exists — and points to the one
 * way in for an existing account: sign in first, then accept. Accept never takes an existing
 * account's password, so a link cannot be used to guess one.
 */
export const SIGN_IN_TO_ACCEPT =
  'This invitation could not create a new account. If you already have a Meterdesk account with this email, sign in with it first, then open this invitation link again to accept.';

/** Who calls: the signed-in user and their session, or null when signed out. */
export type InvitationCaller = { sessionId: string; userId: string; email: string } | null;

/**
 * Accepts an invitation. Signed in as the invited email: joins the organization and makes it the
 * session's active one. Signed out: creates the account (never for an email that has one) and signs
 * it in. The membership and team membership come with it either way; the link works once.
 */
export async function acceptInvitation(
  db: Database,
  input: z.infer<typeof acceptInvitationInput>,
  deps: { clock: Clock; policy: AuthPolicy; userAgent?: string | null; caller: InvitationCaller },
): Promise<{ session: CreatedSession | null }> {
  const invitation = await findUsableInvitation(db.prisma, input.token, deps.clock);
  const { caller } = deps;

  if (caller) {
    // Nothing here looks at accounts other than the caller's own.
    if (caller.email !== invitation.email) {
      throw new AppError('FORBIDDEN', `This invitation is for another email address; sign out and open the link again to accept it as ${invitation.email}, or ask whoever invited you to invite ${caller.email} instead.`);
    }
    await db.prisma.$transaction(async (tx) => {
      await join(tx, invitation, caller.userId, { newAccount: false, now: deps.clock.now() });
      await tx.session.update({ where: { id: caller.sessionId }, data: { activeOrganizationId: invitation.organizationId } });
    });
    return { session: null };
  }

  // Checked before looking for an account, so these answers are the same whether one exists.
  if (!input.name) throw new AppError('BAD_REQUEST', 'Enter your name.', { field: 'name' });
  const problem = passwordProblem(input.password ?? '', passwordUserInputs(invitation.email, input.name));
  if (problem) throw new AppError('BAD_REQUEST', problem, { field: 'password' });
  const passwordHash = await hashPassword(input.password!);

  try {
    const session = await db.prisma.$transaction(async (tx) => {
      if (await tx.user.findUnique({ where: { email: invitation.email }, select: { id: true } })) throw new AppError('CONFLICT', SIGN_IN_TO_ACCEPT);
      const now = deps.clock.now();
      const user = await tx.user.create({ data: { email: invitation.email, name: input.name!, passwordHash, lastSignInAt: now } });
      await join(tx, invitation, user.id, { newAccount: true, now });
      return createSession(tx, { userId: user.id, remember: input.remember, activeOrganizationId: invitation.organizationId, userAgent: deps.userAgent }, deps);
    });
    return { session };
  } catch (error) {
    // An account created for this email meanwhile (a sign-up racing the acceptance): same answer.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new AppError('CONFLICT', SIGN_IN_TO_ACCEPT);
    throw error;
  }
}

type Tx = Prisma.TransactionClient;
type UsableInvitation = Awaited<ReturnType<typeof findUsableInvitation>>;

/** Uses up the invitation and adds the user to its organization (and team), audited. */
async function join(tx: Tx, invitation: UsableInvitation, userId: string, { newAccount, now }: { newAccount: boolean; now: Date }) {
  const { organizationId } = invitation;
  // Single use even when two tabs accept at once: only one conditional update succeeds.
  const claimed = await tx.invitation.updateMany({ where: { organizationId, id: invitation.id, acceptedAt: null, revokedAt: null }, data: { acceptedAt: now } });
  if (claimed.count !== 1) throw new AppError('PRECONDITION_FAILED', 'This invitation was already used. Sign in instead.');
  if (await tx.membership.findUnique({ where: { organizationId_userId: { organizationId, userId } } })) {
    throw new AppError('CONFLICT', 'You are already a member of this organization. Switch to it from the organization menu.');
  }
  await tx.membership.create({ data: { organizationId, userId, role: invitation.role, invitedById: invitation.invitedById } });
  if (invitation.teamId) {
    const team = await tx.team.findUnique({ where: { organizationId_id: { organizationId, id: invitation.teamId } } });
    // Someone invited as a manager into a team comes to run it.
    const teamRole = invitation.role === 'manager' ? 'manager' : 'member';
    if (team && !team.archivedAt) await tx.teamMembership.create({ data: { organizationId, teamId: team.id, userId, role: teamRole } });
  }
  await recordAuditEvent(tx, {
    organizationId,
    actorUserId: userId,
    action: 'invitation.accept',
    targetType: 'invitation',
    targetId: invitation.id,
    after: { email: invitation.email, role: invitation.role, newAccount },
  });
}
