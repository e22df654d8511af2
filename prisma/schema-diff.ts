// The SQL that takes the migrations in prisma/migrations to prisma/schema.prisma, computed by
// Prisma's schema engine (wasm) against a scratch in-memory PGlite. Empty when they agree.
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { noSchemaFilter, openSchemaEngine, readMigrationList } from '../server/db/schema-engine';

export async function diffSchemaAgainstMigrations(schemaPath = 'prisma/schema.prisma'): Promise<string> {
  const engine = await openSchemaEngine(new PrismaPGlite(new PGlite()));
  try {
    const schema = await readFile(schemaPath, 'utf8');
    const result = await engine.diff({
      from: { tag: 'migrations', ...(await readMigrationList()) },
      to: { tag: 'schemaDatamodel', files: [{ path: 'prisma/schema.prisma', content: schema }] },
      script: true,
      filters: noSchemaFilter,
      exitCode: null,
    });
    const sql = result.stdout ?? '';
    return !sql.trim() || /^-- This is an empty migration/.test(sql.trim()) ? '' : sql;
  } finally {
    engine.free();
  }
}
