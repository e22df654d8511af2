// Opens the database the app runs on: a shared PostgreSQL when a URL is configured, otherwise the
// embedded PGlite in the data folder. Pending migrations are applied before anything else runs.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaClient } from './generated/client';
import { applyPendingMigrations, type MigrationReport } from './apply-migrations';
import { readSnapshot, snapshotPath, writeSnapshot } from './pglite-snapshot';
import { readMigrationList } from './schema-engine';
import { DatabaseOpenError } from './database-open-error';
import { withMigrationLock } from './migration-lock';
import { isDatabaseUnavailable, warnDatabaseUnavailable } from './database-unavailable';
import { logUnexpectedError } from '../logging/log-error';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  migrations: MigrationReport;
  /** Raw SQL for hot paths where the ORM's per-row overhead shows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Raw SQL for state a crash may lose without harm (rate-limit tokens): on PostgreSQL its commits
   * do not wait for the disk (synchronous_commit off), so they do not compete with the ledger's.
   */
  queryVolatile<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs `fn` on one connection inside a transaction that is always rolled back: a scratch session
   * (temporary tables, SET LOCAL) that leaves nothing behind. Used by the plan lab's what-if replay.
   */
  scratch<T>(fn: (query: ScratchQuery) => Promise<T>): Promise<T>;
  /**
   * For reading many rows (exports): `work` gets a reader on a connection of its own (PostgreSQL; the
   * embedded PGlite has only one) whose rows are arrays of column values.
   */
  withReader<T>(work: (reader: RowReader) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type ScratchQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface RowReader {
  /** Runs `sql` (prepared once per reader under `name`) and returns its rows as arrays. */
  query(name: string, sql: string, params: unknown[]): Promise<unknown[][]>;
  /**
   * A server-side cursor over `sql` in a read-only, repeatable-read transaction (one scan, one
   * snapshot), `size` rows at a time; null on PGlite, whose only connection a long transaction would
   * hold away from everything else.
   */
  cursor: ((sql: string, params: unknown[], size: number) => AsyncGenerator<unknown[][]>) | null;
}

export { DatabaseOpenError };

export interface OpenDatabaseOptions {
  /** postgres:// URL of a shared database; when absent the embedded PGlite in dataDir is used. */
  databaseUrl?: string;
  /** Folder for the embedded database (`<dataDir>/pglite`), or 'memory://' for a throwaway one. */
  dataDir?: string;
  /**
   * A fresh embedded database starts from this pre-migrated snapshot (server/db/pglite-snapshot.ts);
   * defaults to the one matching the current migrations, made after the first fresh start if missing.
   * false: initialise and migrate from scratch.
   */
  snapshot?: string | false;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPGlite(options.dataDir, options.snapshot);
}

async function openPostgres(url: string): Promise<Database> {
  const pool = keepAlive(new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) }));
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end();
    throw new DatabaseOpenError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  const factory = new PrismaPg(pool);
  let migrations: MigrationReport;
  try {
    // Other processes may be starting on the same database right now: one upgrades, the rest wait
    // and then find (diagnosing after the lock is theirs) that nothing is left to do.
    migrations = await withMigrationLock(url, () => migrateOverOwnPool(url));
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof DatabaseOpenError) throw error;
    throw new DatabaseOpenError(`Could not prepare PostgreSQL at ${redactUrl(url)} for use: ${(error as Error).message}`, { cause: error });
  }
  const prisma = new PrismaClient({ adapter: factory });
  const volatilePool = keepAlive(new pg.Pool({ connectionString: url, max: 4, options: '-c synchronous_commit=off' }));
  return {
    kind: 'postgres',
    prisma,
    migrations,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    queryVolatile: async (sql, params) => (await volatilePool.query(sql, params)).rows,
    scratch: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        return await fn(async (sql, params) => (await client.query(sql, params)).rows);
      } finally {
        await client.query('rollback').catch(() => {});
        client.release();
      }
    },
    withReader: async (work) => {
      // Its own client rather than a pooled one: prepared statements and the cursor end with it, and
      // a long export never holds a connection that requests wait for.
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      const rows = async (text: string, values: unknown[] = [], name?: string) => (await client.query<unknown[]>({ name, text, values, rowMode: 'array' })).rows;
      try {
        return await work({
          query: (name, sql, params) => rows(sql, params, name),
          cursor: async function* (sql, params, size) {
            await client.query('begin isolation level repeatable read read only');
            try {
              // Planned for the whole result (as COPY would be), not for its first rows.
              await client.query('set local cursor_tuple_fraction = 1');
              await client.query(`declare export_rows no scroll cursor for ${sql}`, params);
              // The next batch is already on its way while the caller handles this one.
              let next = rows(`fetch forward ${size} from export_rows`);
              for (;;) {
                const batch = await next;
                if (batch.length < size) {
                  if (batch.length) yield batch;
                  break;
                }
                next = rows(`fetch forward ${size} from export_rows`);
                next.catch(() => {});
                yield batch;
              }
              await client.query('commit');
            } catch (error) {
              await client.query('rollback').catch(() => {});
              throw error;
            }
          },
        });
      } finally {
        await client.end().catch(() => {});
      }
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
      await volatilePool.end().catch(() => {});
    },
  };
}

/**
 * An idle pooled connection that the server drops (a restart, a failover, an administrator ending
 * sessions) emits an error on its pool; unheard, that error would end the whole process. The pool
 * discards the connection and opens a new one on the next query, so it is only worth a log line.
 */
function keepAlive(pool: pg.Pool): pg.Pool {
  pool.on('error', (error: Error & { code?: string }) => {
    // 57P01 (admin_shutdown) is also how a dropped or restarted database says goodbye: expected.
    if (error.code === '57P01') return;
    // The network path or the server went away: an outage the console shows and recovers from.
    if (isDatabaseUnavailable(error)) warnDatabaseUnavailable('idle database connection', error);
    else logUnexpectedError('idle database connection', error);
  });
  return pool;
}

/**
 * The schema engine takes Prisma's session-level advisory lock and never releases it: on a pooled
 * connection that lives on, it would make every later start wait out Prisma's 10 s timeout. Its
 * own pool, ended once done, takes the lock away with its connections.
 */
async function migrateOverOwnPool(url: string): Promise<MigrationReport> {
  const migrationPool = keepAlive(new pg.Pool({ connectionString: url, max: 4 }));
  try {
    return await applyPendingMigrations(wholeScripts(new PrismaPg(migrationPool), migrationPool), {
      query: async (sql) => (await migrationPool.query(sql)).rows,
    });
  } finally {
    await migrationPool.end().catch(() => {});
  }
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it on ";", which breaks PL/pgSQL function
 * bodies. Send each script whole instead: one simple-protocol query, which PostgreSQL also runs as
 * a single transaction.
 */
function wholeScripts(factory: PrismaPg, pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      adapter.executeScript = async (script: string) => {
        try {
          await pool.query(script);
        } catch (error) {
          (adapter as unknown as { onError(e: unknown): never }).onError(error);
        }
      };
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

async function openPGlite(dataDir = 'memory://', snapshot?: string | false): Promise<Database> {
  // Loaded only here: a process on PostgreSQL never pays for PGlite's wasm (about 37 MB of RSS).
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  let client: PGlite;
  let releaseLock = async () => {};
  const migrationsList = await readMigrationList();
  // Where a fresh folder's migrated state is saved when no snapshot was there to start from.
  let saveSnapshotTo: string | undefined;
  try {
    if (dataDir.startsWith('memory://')) {
      client = await PGlite.create();
    } else {
      const folder = join(dataDir, 'pglite');
      await mkdir(folder, { recursive: true });
      releaseLock = await lockDataFolder(dataDir);
      // Only an empty folder takes the snapshot; anything else (even half an initdb) is PGlite's to judge.
      const fresh = (await readdir(folder)).length === 0;
      const path = snapshot === false ? undefined : (snapshot ?? snapshotPath(migrationsList));
      const loadDataDir = fresh && path ? await readSnapshot(path) : undefined;
      if (fresh && path && !loadDataDir && snapshot === undefined) saveSnapshotTo = path;
      client = loadDataDir ? await startFromSnapshot(folder, loadDataDir) : await PGlite.create({ dataDir: folder });
      // A damaged default snapshot is replaced by this start's.
      if (loadDataDir && !usedSnapshot.has(client) && snapshot === undefined) saveSnapshotTo = path;
    }
  } catch (error) {
    await releaseLock();
    if (error instanceof DatabaseOpenError) throw error;
    throw new DatabaseOpenError(
      `The embedded database in ${dataDir} could not be opened; it may be damaged or written by another program. ` +
        `Move the folder aside to start fresh, or restore it from a backup. (${(error as Error).message})`,
      { cause: error },
    );
  }
  const factory = new PrismaPGlite(client);
  let migrations: MigrationReport;
  try {
    migrations = await applyPendingMigrations(factory, { migrationsList, query: async (sql) => (await client.query<Record<string, unknown>>(sql)).rows });
    // Best effort: without a snapshot (read-only install, full disk) the next fresh start is just slower.
    if (saveSnapshotTo) await writeSnapshot(client, saveSnapshotTo).catch(() => {});
  } catch (error) {
    await client.close().catch(() => {});
    await releaseLock();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: factory });
  return {
    kind: 'pglite',
    prisma,
    migrations,
    query: async (sql, params) => (await client.query(sql, params)).rows as never,
    queryVolatile: async (sql, params) => (await client.query(sql, params)).rows as never,
    // PGlite's transaction holds the one connection: nothing else interleaves until it is rolled back.
    scratch: (fn) =>
      client.transaction(async (tx) => {
        try {
          return await fn(async (sql, params) => (await tx.query(sql, params)).rows as never);
        } finally {
          await tx.rollback();
        }
      }),
    withReader: (work) => work({ query: async (_name, sql, params) => (await client.query<unknown[]>(sql, params, { rowMode: 'array' })).rows, cursor: null }),
    close: async () => {
      await prisma.$disconnect();
      await client.close();
      await releaseLock();
    },
  };
}

/** A damaged snapshot (a cut-off copy, a disk error) must not keep a fresh folder from starting: then start without it. */
const usedSnapshot = new WeakSet<PGlite>();
async function startFromSnapshot(folder: string, snapshot: Blob): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  try {
    const client = await PGlite.create({ dataDir: folder, loadDataDir: snapshot });
    usedSnapshot.add(client);
    return client;
  } catch {
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true });
    return PGlite.create({ dataDir: folder });
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A lock file with the owner's pid keeps a second console, server or CLI out while the first runs.
 */
async function lockDataFolder(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = join(dataDir, 'pglite.lock');
  const owner = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
  if (owner && owner !== process.pid && processIsAlive(owner)) {
    throw new DatabaseOpenError(
      `The embedded database in ${dataDir} is in use by another Meterdesk process (pid ${owner}). Close it first, or share a PostgreSQL database between them. (If no Meterdesk is running, delete ${lockFile}.)`,
    );
  }
  await writeFile(lockFile, String(process.pid));
  return async () => {
    if (Number((await readFile(lockFile, 'utf8').catch(() => '')).trim()) === process.pid) await rm(lockFile, { force: true });
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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
