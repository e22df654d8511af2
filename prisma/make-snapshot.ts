// `npm run db:snapshot` (also run by `npm run build`): saves the pre-migrated PGlite snapshot that
// fresh data folders start from (server/db/pglite-snapshot.ts), so not even the first start pays
// for initdb and the migrations. Opening a throwaway folder once makes it when it is missing.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/db/open-database';
import { snapshotPath } from '../server/db/pglite-snapshot';
import { readMigrationList } from '../server/db/schema-engine';

const path = snapshotPath(await readMigrationList());
if (existsSync(path)) {
  console.log(`PGlite snapshot up to date: ${path}`);
} else {
  const dir = await mkdtemp(join(tmpdir(), 'meterdesk-snapshot-'));
  try {
    await (await openDatabase({ dataDir: dir })).close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (!existsSync(path)) throw new Error(`Could not write the PGlite snapshot to ${path}`);
  console.log(`PGlite snapshot written: ${path}`);
}
