import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import type { AuthPolicy } from '../auth/auth-policy';
import { AppError } from '../errors';
import { signUp, signUpInput } from '../auth/sign-up';
import { recordDefaultInviteOnly, recordDefaultTrialSettings } from '../platform/platform-settings';

export const completeFirstRunInput = signUpInput;
export type CompleteFirstRunInput = z.infer<typeof completeFirstRunInput>;

export const ALREADY_SET_UP = 'Meterdesk is already set up on this database. Sign in instead.';

/** Creates the platform's first super admin and the first organization, which they own. */
export async function completeFirstRun(db: Database, input: CompleteFirstRunInput, deps: { clock: Clock; policy: AuthPolicy; userAgent?: string | null }) {
  if ((await db.prisma.user.count()) > 0) throw new AppError('PRECONDITION_FAILED', ALREADY_SET_UP);
  const result = await signUp(db, input, { ...deps, platformRole: 'super_admin' });
  // A shared database serves a company: accounts come by invitation. The embedded one is a trial.
  await db.prisma.$transaction(async (tx) => {
    await recordDefaultInviteOnly(tx, db.kind, deps.clock.now());
    await recordDefaultTrialSettings(tx, deps.clock.now());
  });
  return result;
}
