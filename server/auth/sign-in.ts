import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { AuthPolicy } from './auth-policy';
import { createSession } from './create-session';
import { verifyPassword } from './passwords';
import { emailSchema } from './validation';

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Enter your password.').max(200),
  remember: z.boolean().default(false),
});
export type SignInInput = z.infer<typeof signInInput>;

const WRONG = 'The email or password is not right. Check both and try again.';

export async function signIn(
  db: Database,
  input: SignInInput,
  deps: { clock: Clock; policy: AuthPolicy; userAgent?: string | null },
) {
  const { clock, policy } = deps;
  const now = clock.now();
  const throttle = await db.prisma.signInThrottle.findUnique({ where: { email: input.email } });
  const recent = throttle?.lastFailedAt && now.getTime() - throttle.lastFailedAt.getTime() < policy.failureWindowMs;
  const failures = recent ? throttle!.failures : 0;

  if (throttle?.lockedUntil && throttle.lockedUntil > now) {
    const minutes = Math.ceil((throttle.lockedUntil.getTime() - now.getTime()) / 60_000);
    throw new AppError('TOO_MANY_REQUESTS', `Too many failed sign-ins: this account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}.`, {
      retryAfterSeconds: minutes * 60,
    });
  }
  if (failures >= policy.slowDownAfterFailures) {
    const waitMs = policy.slowDownBaseMs * 2 ** (failures - policy.slowDownAfterFailures);
    const readyAt = throttle!.lastFailedAt!.getTime() + waitMs;
    if (readyAt > now.getTime()) {
      const seconds = Math.ceil((readyAt - now.getTime()) / 1000);
      throw new AppError('TOO_MANY_REQUESTS', `Too many failed sign-ins. Wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`, {
        retryAfterSeconds: seconds,
      });
    }
  }

  const user = await db.prisma.user.findUnique({ where: { email: input.email } });
  const ok = await verifyPassword(user?.passwordHash, input.password);
  if (!ok || !user) {
    const next = failures + 1;
    const lockedUntil = next >= policy.lockAfterFailures ? new Date(now.getTime() + policy.lockMs) : null;
    await db.prisma.signInThrottle.upsert({
      where: { email: input.email },
      create: { email: input.email, failures: next, lastFailedAt: now, lockedUntil },
      update: { failures: next, lastFailedAt: now, lockedUntil },
    });
    throw new AppError('UNAUTHORIZED', WRONG);
  }
  if (user.status !== 'active') {
    throw new AppError('FORBIDDEN', 'This account is deactivated. Ask an administrator of your organization to reactivate it.');
  }

  const firstMembership = await db.prisma.membership.findFirst({
    where: { userId: user.id, status: 'active' },
    orderBy: { createdAt: 'asc' },
    select: { organizationId: true },
  });
  const session = await db.prisma.$transaction(async (tx) => {
    if (throttle) await tx.signInThrottle.delete({ where: { email: input.email } });
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
    return createSession(
      tx,
      { userId: user.id, remember: input.remember, activeOrganizationId: firstMembership?.organizationId, userAgent: deps.userAgent },
      deps,
    );
  });
  return { ...session, userId: user.id };
}
