import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { seedDemo } from '../demo/seed-demo';
import { ALREADY_SET_UP } from './complete-first-run';

/** The wizard's "explore with demo data": only on a database nobody uses yet. */
export async function loadDemoData(db: Database, clock: Clock) {
  if ((await db.prisma.user.count()) > 0) throw new AppError('PRECONDITION_FAILED', ALREADY_SET_UP);
  const { password, accounts } = await seedDemo(db, clock.now());
  return { password, accounts: accounts.filter((a) => a.organization === 'acme' || a.organization === null) };
}
