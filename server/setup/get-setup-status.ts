import type { Database } from '../db/open-database';

/** First run: nobody has an account yet, so the console offers the setup wizard. */
export async function getSetupStatus(db: Database) {
  const users = await db.prisma.user.count();
  return { needsSetup: users === 0, database: db.kind };
}
