import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { plainText } from '../validation/text';
import { issuePasswordReset, passwordResetLink } from './password-reset-link';
import { emailSchema } from './validation';

export const issuePasswordResetLinkInput = z.object({
  email: emailSchema,
  reason: plainText({ multiline: true }).trim().min(3, 'Say why (e.g. the ticket that asked for it).').max(500, 'Use at most 500 characters.'),
});

/**
 * Platform support's way to reset a password where no email server is set up: returns the link
 * once (it is not stored, only its hash), for the agent to hand over after checking who asks.
 * Audited with the reason, in the platform's trail.
 */
export async function issuePasswordResetLink(services: Pick<AppServices, 'db' | 'clock' | 'authPolicy' | 'consoleUrl'>, actorUserId: string, input: z.infer<typeof issuePasswordResetLinkInput>) {
  const user = await services.db.prisma.user.findUnique({ where: { email: input.email }, select: { id: true, status: true } });
  if (!user || user.status !== 'active') throw new AppError('NOT_FOUND', 'No active account uses this email.', { field: 'email' });
  const issued = await services.db.prisma.$transaction(async (tx) => {
    const reset = await issuePasswordReset(tx, { userId: user.id, issuedById: actorUserId, now: services.clock.now(), ttlMs: services.authPolicy.passwordResetMs });
    await recordAuditEvent(tx, { actorUserId, action: 'platform.password_reset_link', targetType: 'user', targetId: user.id, reason: input.reason, after: { email: input.email, expiresAt: reset.expiresAt.toISOString() } });
    return reset;
  });
  return { link: passwordResetLink(services, issued.token), expiresAt: issued.expiresAt };
}
