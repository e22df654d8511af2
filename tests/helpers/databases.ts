// The databases tests run against: embedded PGlite always, and a fresh database on the local
// PostgreSQL server (127.0.0.1:5432, or TEST_POSTGRES_URL) created per test file and dropped after.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { requirePrerequisite, type Prerequisite } from './prerequisites';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function checkPostgres(): Promise<Prerequisite> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `cannot reach PostgreSQL at ${POSTGRES_ADMIN_URL} (${(error as Error).message})` };
  } finally {
    await client.end().catch(() => {});
  }
}

export const postgresAvailable = requirePrerequisite('PostgreSQL', await checkPostgres());

export interface TestDatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Creates a fresh, empty database and returns its URL (null: embedded PGlite) and a cleanup. */
  create(): Promise<{ url: string | null; drop(): Promise<void> }>;
}

const pgliteTarget: TestDatabaseTarget = {
  name: 'pglite',
  create: async () => ({ url: null, drop: async () => {} }),
};

const postgresTarget: TestDatabaseTarget = {
  name: 'postgres',
  create: createPostgresDatabase,
};

export async function createPostgresDatabase() {
  const name = `meterdesk_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** One statement on the server's admin database (create, drop, alter a test database). */
export async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Every database the suite runs on here: PGlite, plus PostgreSQL when reachable (always under CI). */
export const databaseTargets: TestDatabaseTarget[] = postgresAvailable ? [pgliteTarget, postgresTarget] : [pgliteTarget];
