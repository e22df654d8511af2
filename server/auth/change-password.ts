import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { AuthPolicy } from './auth-policy';
import { checkPassword } from './check-password';
import { hashPassword } from './passwords';
import { passwordProblem, passwordUserInputs } from './password-rules';

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, 'Enter your current password.').max(200),
  newPassword: z.string().max(200, 'Use at most 200 characters.'),
});

/**
 * Changes the signed-in person's password. The current password goes through checkPassword, the
 * one throttled check every path shares (a locked account is locked here too); every other session
 * of the account ends, this one stays.
 */
export async function changePassword(
  db: Database,
  caller: { userId: string; email: string; name: string; sessionId: string },
  input: z.infer<typeof changePasswordInput>,
  deps: { clock: Clock; policy: AuthPolicy },
) {
  // The new password's rules first: a refused one costs no attempt against the throttle.
  const problem = passwordProblem(input.newPassword, passwordUserInputs(caller.email, caller.name));
  if (problem) throw new AppError('BAD_REQUEST', problem, { field: 'newPassword' });
  if (input.newPassword === input.currentPassword) throw new AppError('BAD_REQUEST', 'Choose a password different from the current one.', { field: 'newPassword' });
  try {
    await checkPassword(db, { email: caller.email, password: input.currentPassword }, deps);
  } catch (error) {
    if (error instanceof AppError && error.code === 'UNAUTHORIZED') throw new AppError('BAD_REQUEST', 'Your current password is not right.', { field: 'currentPassword' });
    throw error;
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db.prisma.$transaction(async (tx) => {
    const now = deps.clock.now();
    await tx.user.update({ where: { id: caller.userId }, data: { passwordHash } });
    const { count } = await tx.session.updateMany({ where: { userId: caller.userId, revokedAt: null, id: { not: caller.sessionId } }, data: { revokedAt: now } });
    await tx.passwordReset.updateMany({ where: { userId: caller.userId, usedAt: null }, data: { usedAt: now } });
    await recordAuditEvent(tx, { actorUserId: caller.userId, action: 'auth.password_change', targetType: 'user', targetId: caller.userId, after: { otherSessionsEnded: count } });
    return { otherSessionsEnded: count };
  });
}
