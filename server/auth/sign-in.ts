import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { AuthPolicy } from './auth-policy';
import { checkPassword } from './check-password';
import { createSession } from './create-session';
import { emailSchema } from './validation';

export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Enter your password.').max(200),
  remember: z.boolean().default(false),
});
export type SignInInput = z.infer<typeof signInInput>;

export async function signIn(
  db: Database,
  input: SignInInput,
  deps: { clock: Clock; policy: AuthPolicy; userAgent?: string | null },
) {
  // Throttled, locked and verified in one place, shared by every path that takes a password.
  const user = await checkPassword(db, input, deps);
  if (user.status !== 'active') {
    throw new AppError('FORBIDDEN', 'This account is deactivated. Ask an administrator of your organization to reactivate it.');
  }

  const now = deps.clock.now();
  const firstMembership = await db.prisma.membership.findFirst({
    where: { userId: user.id, status: 'active' },
    orderBy: { createdAt: 'asc' },
    select: { organizationId: true },
  });
  const session = await db.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
    return createSession(
      tx,
      { userId: user.id, remember: input.remember, activeOrganizationId: firstMembership?.organizationId, userAgent: deps.userAgent },
      deps,
    );
  });
  return { ...session, userId: user.id };
}
