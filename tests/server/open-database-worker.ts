// One of several processes starting at once on the same PostgreSQL (see migrations.test.ts): opens
// the database, which applies pending migrations, and prints the migration report as one JSON line.
import { openDatabase } from '../../server/db/open-database';

try {
  const db = await openDatabase({ databaseUrl: process.argv[2] });
  console.log(JSON.stringify({ ok: true, ...db.migrations }));
  await db.close();
  process.exit(0);
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: (error as Error).message }));
  process.exit(1);
}
