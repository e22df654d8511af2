// Applies prisma/migrations at start and records them in _prisma_migrations, as `prisma migrate
// deploy` does, so the Prisma CLI and the app agree about the database.
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { DatabaseOpenError } from './database-open-error';
import { migrationChecksum } from './pglite-snapshot';
import { noSchemaFilter, openSchemaEngine, readMigrationList, type MigrationList } from './schema-engine';

export interface MigrationReport {
  /** Migrations recorded as applied once start-up is done. */
  applied: number;
  /** Applied during this start. */
  appliedNow: string[];
  /** Whether the wasm schema engine had to start (false: _prisma_migrations already listed every migration). */
  schemaEngine: boolean;
}

type RawQuery = (sql: string) => Promise<Record<string, unknown>[]>;

export interface ApplyMigrationsOptions {
  /** Raw SQL on the same database: lets an up-to-date database skip the schema engine altogether. */
  query?: RawQuery;
  migrationsList?: MigrationList;
}

export async function applyPendingMigrations(factory: SqlMigrationAwareDriverAdapterFactory, options: ApplyMigrationsOptions = {}): Promise<MigrationReport> {
  const migrationsList = options.migrationsList ?? (await readMigrationList());
  const known = new Set(migrationsList.migrationDirectories.map((d) => d.path));
  if (options.query && (await allApplied(options.query, migrationsList))) return { applied: known.size, appliedNow: [], schemaEngine: false };
  const engine = await openSchemaEngine(factory);
  try {
    const diagnosis = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: noSchemaFilter });
    const history = diagnosis.history;
    if (history && history.diagnostic !== 'databaseIsBehind') {
      const unknown = history.unpersistedMigrationNames.filter((name) => !known.has(name));
      if (unknown.length > 0) {
        throw new DatabaseOpenError(
          `This database was upgraded by a newer version of Meterdesk (it has migrations this app does not know: ${unknown.join(', ')}). ` +
            'Install the latest Meterdesk, or connect to another database.',
        );
      }
    }
    if (diagnosis.failedMigrationNames.length > 0) {
      throw new DatabaseOpenError(
        `A previous upgrade of this database failed (${diagnosis.failedMigrationNames.join(', ')}). Restore a backup or ask your administrator.`,
      );
    }
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: noSchemaFilter });
    return { applied: known.size, appliedNow: appliedMigrationNames, schemaEngine: true };
  } catch (error) {
    if (error instanceof DatabaseOpenError) throw error;
    throw new DatabaseOpenError(`Could not bring the database schema up to date: ${(error as Error).message}`, { cause: error });
  } finally {
    engine.free();
  }
}

/**
 * True when _prisma_migrations lists exactly our migrations, each finished, not rolled back, with a
 * matching checksum, and nothing else (no failed, unknown or rolled-back rows). Loading the wasm
 * engine to diagnose that costs a second or more; this read costs milliseconds. Anything else goes
 * to the engine, which applies, diagnoses and explains as before.
 */
async function allApplied(query: RawQuery, list: MigrationList): Promise<boolean> {
  try {
    const [table] = await query(`select to_regclass('_prisma_migrations') is not null as present`);
    if (!table?.present) return false;
    const rows = await query('select migration_name, checksum, finished_at, rolled_back_at from _prisma_migrations');
    if (rows.length !== list.migrationDirectories.length) return false;
    const recorded = new Map(rows.map((r) => [r.migration_name as string, r]));
    return list.migrationDirectories.every((d) => {
      const row = recorded.get(d.path);
      return (
        d.migrationFile.content.tag === 'ok' &&
        row !== undefined &&
        row.finished_at != null &&
        row.rolled_back_at == null &&
        row.checksum === migrationChecksum(d.migrationFile.content.value)
      );
    });
  } catch {
    return false; // the engine will say what is wrong
  }
}
