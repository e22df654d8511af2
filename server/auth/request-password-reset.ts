import { z } from 'zod';
import type { AppServices } from '../api/trpc';
import { logUnexpectedError } from '../logging/log-error';
import { passwordResetLink, issuePasswordReset } from './password-reset-link';
import { emailSchema } from './validation';

export const requestPasswordResetInput = z.object({ email: emailSchema });

/** The same answer whatever the email: whether an account exists is never revealed. */
export const PASSWORD_RESET_REQUESTED = 'If an account uses this email, a link to choose a new password is on its way. It works once, within an hour.';

type Services = Pick<AppServices, 'db' | 'clock' | 'authPolicy' | 'mailer' | 'consoleUrl'>;

/**
 * Emails a single-use reset link to an active account with this email, when SMTP is configured.
 * Answers the same for every email, at once: the lookup, throttle and mail run after the answer
 * (`delivered` settles when they are done), so neither the answer nor its timing tells whether an
 * account exists. Throttled per account and for the whole platform, silently for the same reason.
 */
export function requestPasswordReset(services: Services, input: z.infer<typeof requestPasswordResetInput>) {
  const byEmail = services.mailer.transport === 'smtp';
  // Without SMTP nothing is issued: a reset link kept in the outbox would be readable by whoever
  // reads the database; platform support issues one instead (issuePasswordResetLink).
  const delivered = byEmail
    ? deliver(services, input.email).catch((error: unknown) => {
        logUnexpectedError('password reset email', error);
      })
    : Promise.resolve();
  return { message: byEmail ? PASSWORD_RESET_REQUESTED : null, byEmail, delivered };
}

async function deliver(services: Services, email: string): Promise<void> {
  const { db, clock, authPolicy: policy } = services;
  const user = await db.prisma.user.findUnique({ where: { email }, select: { id: true, name: true, email: true, status: true } });
  if (!user || user.status !== 'active') return;
  const issued = await db.prisma.$transaction(async (tx) => {
    // One request at a time across every server on the database, so the hourly caps hold under
    // concurrent requests (resets are rare: serializing them costs nothing).
    await tx.$queryRawUnsafe('select 1 from pg_advisory_xact_lock(7320411)');
    const now = clock.now();
    const since = new Date(now.getTime() - 3600_000);
    const [mine, all] = await Promise.all([
      tx.passwordReset.count({ where: { userId: user.id, issuedById: null, createdAt: { gt: since } } }),
      tx.passwordReset.count({ where: { issuedById: null, createdAt: { gt: since } } }),
    ]);
    if (mine >= policy.passwordResetsPerAccountPerHour || all >= policy.passwordResetsPerHour) return null;
    return issuePasswordReset(tx, { userId: user.id, now, ttlMs: policy.passwordResetMs });
  });
  if (!issued) return;
  const link = passwordResetLink(services, issued.token);
  await services.mailer.send({
    organizationId: null,
    to: user.email,
    subject: 'Choose a new Meterdesk password',
    text: `Hello ${user.name},\n\nSomeone (we hope you) asked to reset the password of your Meterdesk account. Open this link within an hour to choose a new one; it works once:\n\n${link}\n\nIf you did not ask, ignore this email: your password stays as it is.\n`,
    link,
    linkKind: 'password_reset',
  });
}
