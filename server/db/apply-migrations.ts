// Applies prisma/migrations at start and records them in _prisma_migrations, as `prisma migrate
// deploy` does, so the Prisma CLI and the app agree about the database.
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { DatabaseOpenError } from './database-open-error';
import { noSchemaFilter, openSchemaEngine, readMigrationList } from './schema-engine';

export interface MigrationReport {
  /** Migrations recorded as applied once start-up is done. */
  applied: number;
  /** Applied during this start. */
  appliedNow: string[];
}

export async function applyPendingMigrations(factory: SqlMigrationAwareDriverAdapterFactory): Promise<MigrationReport> {
  const migrationsList = await readMigrationList();
  const known = new Set(migrationsList.migrationDirectories.map((d) => d.path));
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
    return { applied: known.size, appliedNow: appliedMigrationNames };
  } catch (error) {
    if (error instanceof DatabaseOpenError) throw error;
    throw new DatabaseOpenError(`Could not bring the database schema up to date: ${(error as Error).message}`, { cause: error });
  } finally {
    engine.free();
  }
}
