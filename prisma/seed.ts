// `npm run seed -- --demo`: loads the demo dataset into DATABASE_URL or the embedded database.
import { resolveDataDir } from '../server/config/data-dir';
import { openDatabase, redactUrl } from '../server/db/open-database';
import { seedDemo } from '../server/demo/seed-demo';

if (!process.argv.includes('--demo')) {
  console.error('Usage: npm run seed -- --demo   (loads three demo organizations with 40+ people)');
  process.exit(2);
}
const url = process.env.DATABASE_URL || undefined;
const db = await openDatabase({ databaseUrl: url, dataDir: resolveDataDir() });
try {
  const { password, accounts } = await seedDemo(db);
  console.log(`Demo data loaded into ${url ? redactUrl(url) : `embedded PGlite in ${resolveDataDir()}`}.`);
  console.log(`Every demo account's password: ${password}\n`);
  const width = Math.max(...accounts.map((a) => a.email.length));
  for (const a of accounts) console.log(`  ${a.email.padEnd(width)}  ${a.role.padEnd(11)}  ${a.organization ?? '(platform staff)'}`);
  await db.close();
  process.exit(0);
} catch (error) {
  console.error((error as Error).message);
  await db.close();
  process.exit(1);
}
