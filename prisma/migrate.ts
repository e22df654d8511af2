// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in
// DATA_DIR (default: the app's data folder). The app does the same at every start.
import { resolveDataDir } from '../server/config/data-dir';
import { DatabaseOpenError, openDatabase, redactUrl } from '../server/db/open-database';

const url = process.env.DATABASE_URL || undefined;
try {
  const db = await openDatabase({ databaseUrl: url, dataDir: resolveDataDir() });
  const target = url ? redactUrl(url) : `embedded PGlite in ${resolveDataDir()}`;
  const { applied, appliedNow } = db.migrations;
  console.log(appliedNow.length ? `Applied ${appliedNow.join(', ')} to ${target}.` : `${target} is up to date.`);
  console.log(`${applied} migrations recorded in _prisma_migrations.`);
  await db.close();
  process.exit(0); // the wasm schema engine keeps a timer alive
} catch (error) {
  console.error(error instanceof DatabaseOpenError ? error.message : error);
  process.exit(1);
}
