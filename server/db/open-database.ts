// Opens the database the app runs on: a shared PostgreSQL when a URL is configured, otherwise the
// embedded PGlite in the data folder. Pending migrations are applied before anything else runs.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { PrismaClient } from './generated/client';
import { applyPendingMigrations, type MigrationReport } from './apply-migrations';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  migrations: MigrationReport;
  /** Raw SQL for hot paths where the ORM's per-row overhead shows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export class DatabaseOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseOpenError';
  }
}

export interface OpenDatabaseOptions {
  /** postgres:// URL of a shared database; when absent the embedded PGlite in dataDir is used. */
  databaseUrl?: string;
  /** Folder for the embedded database (`<dataDir>/pglite`), or 'memory://' for a throwaway one. */
  dataDir?: string;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPGlite(options.dataDir);
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end();
    throw new DatabaseOpenError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  const factory = new PrismaPg(pool);
  const migrations = await applyPendingMigrations(factory);
  const prisma = new PrismaClient({ adapter: factory });
  return {
    kind: 'postgres',
    prisma,
    migrations,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

async function openPGlite(dataDir = 'memory://'): Promise<Database> {
  let client: PGlite;
  try {
    if (dataDir.startsWith('memory://')) {
      client = await PGlite.create();
    } else {
      const folder = join(dataDir, 'pglite');
      await mkdir(folder, { recursive: true });
      client = await PGlite.create({ dataDir: folder });
    }
  } catch (error) {
    throw new DatabaseOpenError(
      `The embedded database in ${dataDir} could not be opened; it may be damaged or written by another program. ` +
        `Move the folder aside to start fresh, or restore it from a backup. (${(error as Error).message})`,
      { cause: error },
    );
  }
  const factory = new PrismaPGlite(client);
  let migrations: MigrationReport;
  try {
    migrations = await applyPendingMigrations(factory);
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  const prisma = new PrismaClient({ adapter: factory });
  return {
    kind: 'pglite',
    prisma,
    migrations,
    query: async (sql, params) => (await client.query(sql, params)).rows as never,
    close: async () => {
      await prisma.$disconnect();
      await client.close();
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid database URL>';
  }
}
