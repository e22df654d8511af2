import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { hashPassword } from './passwords';
import { passwordProblem, passwordUserInputs } from './password-rules';
import { hashToken } from './session-tokens';
import { plainText } from '../validation/text';

const tokenSchema = plainText().trim().regex(/^mdr_[A-Za-z0-9_-]{43}$/, 'This reset link is not valid. Ask for a new one.');

export const describePasswordResetInput = z.object({ token: tokenSchema });
export const resetPasswordInput = z.object({ token: tokenSchema, password: z.string().max(200, 'Use at most 200 characters.') });

export const RESET_LINK_UNUSABLE = 'This reset link has expired or was already used. Ask for a new one.';

async function liveReset(db: Database, token: string, now: Date) {
  const reset = await db.prisma.passwordReset.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true, status: true } } },
  });
  if (!reset || reset.usedAt || reset.expiresAt <= now || reset.user.status !== 'active') throw new AppError('NOT_FOUND', RESET_LINK_UNUSABLE);
  return reset;
}

/** Whose password a link resets (the link is the credential), so the form can name the account. */
export async function describePasswordReset(db: Database, input: z.infer<typeof describePasswordResetInput>, clock: Clock) {
  const reset = await liveReset(db, input.token, clock.now());
  return { email: reset.user.email, expiresAt: reset.expiresAt };
}

/**
 * Sets a new password through a reset link: the link works once (claimed by one conditional UPDATE,
 * so of concurrent redemptions exactly one wins), every session of the account ends, and other
 * outstanding links of the account stop working.
 */
export async function resetPassword(db: Database, input: z.infer<typeof resetPasswordInput>, deps: { clock: Clock }) {
  const reset = await liveReset(db, input.token, deps.clock.now());
  // Checked before the link is claimed: a refused password leaves the link usable.
  const problem = passwordProblem(input.password, passwordUserInputs(reset.user.email, reset.user.name));
  if (problem) throw new AppError('BAD_REQUEST', problem, { field: 'password' });
  const passwordHash = await hashPassword(input.password);
  await db.prisma.$transaction(async (tx) => {
    const now = deps.clock.now();
    const claimed = await tx.passwordReset.updateMany({ where: { id: reset.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (claimed.count !== 1) throw new AppError('NOT_FOUND', RESET_LINK_UNUSABLE);
    await tx.user.update({ where: { id: reset.userId }, data: { passwordHash } });
    await tx.passwordReset.updateMany({ where: { userId: reset.userId, usedAt: null }, data: { usedAt: now } });
    const { count } = await tx.session.updateMany({ where: { userId: reset.userId, revokedAt: null }, data: { revokedAt: now } });
    // Clearing the sign-in lock: redeeming the link proves control of the mailbox (or a support
    // agent's check of identity), which is stronger evidence than the password the lock protects;
    // keeping the lock would leave the rightful owner, who just chose a new password, locked out by
    // the very attacker whose guesses set it.
    await tx.signInThrottle.deleteMany({ where: { email: reset.user.email } });
    await recordAuditEvent(tx, { actorUserId: reset.userId, action: 'auth.password_reset', targetType: 'user', targetId: reset.userId, after: { sessionsEnded: count, issuedBySupport: !!reset.issuedById } });
  });
  return { ok: true as const };
}
