// `npm run db:new-migration -- NAME`: writes the SQL that takes the existing migrations to
// prisma/schema.prisma, as `prisma migrate dev --create-only` would (the CLI's native engine cannot
// be downloaded here). The diff runs against a scratch in-memory PGlite.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationsDir } from '../server/db/schema-engine';
import { diffSchemaAgainstMigrations } from './schema-diff';

const name = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:new-migration -- NAME   (lower-case letters, digits and underscores)');
  process.exit(2);
}
const sql = await diffSchemaAgainstMigrations();
if (!sql) {
  console.log('The schema matches the migrations: nothing to write.');
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const dir = join(migrationsDir(), `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'migration.sql'), sql);
console.log(`Wrote ${join(dir, 'migration.sql')}`);
process.exit(0); // the wasm engine keeps a timer alive
