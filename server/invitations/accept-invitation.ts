import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { AuthPolicy } from '../auth/auth-policy';
import { createSession } from '../auth/create-session';
import { hashPassword, passwordSchema, verifyPassword } from '../auth/passwords';
import { personNameSchema } from '../auth/validation';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import { findUsableInvitation, invitationTokenInput } from './describe-invitation';

export const acceptInvitationInput = invitationTokenInput.extend({
  /** For a new account: their name. Ignored when the email already has an account. */
  name: personNameSchema.optional(),
  /** A new account's password, or the existing account's password to prove it is theirs. */
  password: z.string().min(1, 'Enter a password.').max(200),
  remember: z.boolean().default(false),
});

/**
 * Accepts an invitation: creates the account (or attaches the existing one, whose password must
 * match), the membership and team membership, and signs the person in. The link works once.
 */
export async function acceptInvitation(db: Database, input: z.infer<typeof acceptInvitationInput>, deps: { clock: Clock; policy: AuthPolicy; userAgent?: string | null }) {
  const invitation = await findUsableInvitation(db.prisma, input.token, deps.clock);
  const existing = await db.prisma.user.findUnique({ where: { email: invitation.email } });
  let passwordHash: string | null = null;
  if (existing) {
    if (existing.status === 'deleted' || !(await verifyPassword(existing.passwordHash, input.password))) {
      throw new AppError('UNAUTHORIZED', `${invitation.email} already has a Meterdesk account: enter its password to join.`, { field: 'password' });
    }
  } else {
    if (!input.name) throw new AppError('BAD_REQUEST', 'Enter your name.', { field: 'name' });
    const strong = passwordSchema.safeParse(input.password);
    if (!strong.success) throw new AppError('BAD_REQUEST', strong.error.issues[0]!.message, { field: 'password' });
    passwordHash = await hashPassword(input.password);
  }

  return db.prisma.$transaction(async (tx) => {
    const now = deps.clock.now();
    // Single use even when two tabs accept at once: only one conditional update succeeds.
    const claimed = await tx.invitation.updateMany({ where: { organizationId: invitation.organizationId, id: invitation.id, acceptedAt: null, revokedAt: null }, data: { acceptedAt: now } });
    if (claimed.count !== 1) throw new AppError('PRECONDITION_FAILED', 'This invitation was already used. Sign in instead.');
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data: { status: 'active' } })
      : await tx.user.create({ data: { email: invitation.email, name: input.name!, passwordHash } });
    if (await tx.membership.findUnique({ where: { organizationId_userId: { organizationId: invitation.organizationId, userId: user.id } } })) {
      throw new AppError('CONFLICT', 'You are already a member of this organization. Sign in instead.');
    }
    await tx.membership.create({ data: { organizationId: invitation.organizationId, userId: user.id, role: invitation.role, invitedById: invitation.invitedById } });
    if (invitation.teamId) {
      const team = await tx.team.findUnique({ where: { organizationId_id: { organizationId: invitation.organizationId, id: invitation.teamId } } });
      // Someone invited as a manager into a team comes to run it.
      const teamRole = invitation.role === 'manager' ? 'manager' : 'member';
      if (team && !team.archivedAt) await tx.teamMembership.create({ data: { organizationId: invitation.organizationId, teamId: team.id, userId: user.id, role: teamRole } });
    }
    await recordAuditEvent(tx, {
      organizationId: invitation.organizationId,
      actorUserId: user.id,
      action: 'invitation.accept',
      targetType: 'invitation',
      targetId: invitation.id,
      after: { email: invitation.email, role: invitation.role, newAccount: !existing },
    });
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
    return createSession(tx, { userId: user.id, remember: input.remember, activeOrganizationId: invitation.organizationId, userAgent: deps.userAgent }, deps);
  });
}
