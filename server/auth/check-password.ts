// The one way to check a person's password: every path that takes a password (sign-in today, and
// any later one such as re-authentication) calls checkPassword, so the throttle and lock below hold
// everywhere and a locked account is locked on every path.
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { AuthPolicy } from './auth-policy';
import { verifyPassword } from './passwords';

export const WRONG_PASSWORD = 'The email or password is not right. Check both and try again.';

// Claims one attempt before any password is verified, in a single statement: the row is locked by
// INSERT … ON CONFLICT DO UPDATE, which re-reads the latest committed version, so concurrent
// attempts are counted one after another and none is lost. The attempt counts as a failure at
// once (a success resets it afterwards), and the claim that reaches lockAfterFailures sets the
// lock itself. A claim is refused, with no row returned, while locked or while the slow-down has
// not elapsed. So however many attempts run at once, at most lockAfterFailures passwords are
// verified before the lock, and the slow-down spaces them out.
const CLAIM_SQL = `
insert into sign_in_throttles as t (email, failures, last_failed_at, locked_until)
values ($1, 1, $2::timestamptz, case when 1 >= $5::int then $2::timestamptz + $6::float8 * interval '1 millisecond' end)
on conflict (email) do update set
  failures = (case when coalesce(t.last_failed_at > $2::timestamptz - $7::float8 * interval '1 millisecond', false) then t.failures else 0 end) + 1,
  last_failed_at = $2::timestamptz,
  locked_until = case
    when (case when coalesce(t.last_failed_at > $2::timestamptz - $7::float8 * interval '1 millisecond', false) then t.failures else 0 end) + 1 >= $5::int
    then $2::timestamptz + $6::float8 * interval '1 millisecond'
  end
where (t.locked_until is null or t.locked_until <= $2::timestamptz)
  and not (
    coalesce(t.last_failed_at > $2::timestamptz - $7::float8 * interval '1 millisecond', false)
    and t.failures >= $3::int
    and $2::timestamptz < t.last_failed_at + $4::float8 * power(2, least(t.failures - $3::int, 30)) * interval '1 millisecond'
  )
returning failures, last_failed_at`;

// After a right password: forget the failures, unless another attempt locked the account while
// this one was being verified (then the lock stands and this attempt is refused too). A lock set
// by this very attempt's claim (same failures and time) is its own and is cleared with it.
const RESET_SQL = `
delete from sign_in_throttles
where email = $1 and (locked_until is null or locked_until <= $2::timestamptz or (failures = $3::int and last_failed_at = $4::timestamptz))`;

interface ThrottleRow {
  failures: number;
  last_failed_at: Date | null;
  locked_until: Date | null;
}

/**
 * The active user with this email and password, or an AppError: UNAUTHORIZED with the same
 * message for a wrong password and an unknown email, TOO_MANY_REQUESTS while slowed down or locked.
 */
export async function checkPassword(db: Database, input: { email: string; password: string }, deps: { clock: Clock; policy: AuthPolicy }) {
  const { clock, policy } = deps;
  const now = clock.now();
  const [claim] = await db.query<{ failures: number; last_failed_at: Date }>(CLAIM_SQL, [
    input.email,
    now,
    policy.slowDownAfterFailures,
    policy.slowDownBaseMs,
    policy.lockAfterFailures,
    policy.lockMs,
    policy.failureWindowMs,
  ]);
  if (!claim) throw await refusal(db, input.email, deps);

  const user = await db.prisma.user.findUnique({ where: { email: input.email } });
  const ok = await verifyPassword(user?.passwordHash, input.password);
  if (!ok || !user) throw new AppError('UNAUTHORIZED', WRONG_PASSWORD);

  await db.query(RESET_SQL, [input.email, now, claim.failures, claim.last_failed_at]);
  const [stillLocked] = await db.query<ThrottleRow>('select failures, last_failed_at, locked_until from sign_in_throttles where email = $1 and locked_until > $2::timestamptz', [input.email, now]);
  if (stillLocked) throw lockedError(stillLocked.locked_until!, now);
  return user;
}

/** Why a claim was refused: the lock, or how long the slow-down still asks to wait. */
async function refusal(db: Database, email: string, { clock, policy }: { clock: Clock; policy: AuthPolicy }): Promise<AppError> {
  const now = clock.now();
  const [row] = await db.query<ThrottleRow>('select failures, last_failed_at, locked_until from sign_in_throttles where email = $1', [email]);
  if (row?.locked_until && row.locked_until > now) return lockedError(row.locked_until, now);
  const failures = row?.failures ?? policy.slowDownAfterFailures;
  const waitMs = policy.slowDownBaseMs * 2 ** Math.min(Math.max(failures - policy.slowDownAfterFailures, 0), 30);
  const readyAt = (row?.last_failed_at?.getTime() ?? now.getTime()) + waitMs;
  // The row may have moved on since the claim was refused: never answer "wait 0 seconds".
  const seconds = Math.max(1, Math.ceil((readyAt - now.getTime()) / 1000));
  return new AppError('TOO_MANY_REQUESTS', `Too many failed sign-ins. Wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`, { retryAfterSeconds: seconds });
}

function lockedError(lockedUntil: Date, now: Date) {
  const minutes = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 60_000));
  return new AppError('TOO_MANY_REQUESTS', `Too many failed sign-ins: this account is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}.`, {
    retryAfterSeconds: minutes * 60,
  });
}
