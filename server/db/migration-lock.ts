// Several Meterdesk processes (consoles, servers, workers) may start at once on one shared
// PostgreSQL. Prisma's schema engine takes its own advisory lock but gives up after 10 s, and a
// process that reads _prisma_migrations while another is mid-upgrade sees an unfinished migration
// and takes it for a failed one. So the whole diagnose + apply runs under one lock of ours, held on
// a dedicated connection (a session-level lock dies with its connection if the process does), and
// waiting for it has no time limit: an upgrade takes as long as it takes.
import pg from 'pg';

/** Fixed key of the lock, shared by every Meterdesk version ("MDmigr"); distinct from Prisma's 72707369. */
export const MIGRATION_LOCK_KEY = '84956288739186';

export const WAITING_MESSAGE = 'Waiting for another Meterdesk process to finish upgrading the database…';

export interface MigrationLockOptions {
  /** Where progress goes while waiting; defaults to the console. */
  log?: (message: string) => void;
  /** How often to say we are still waiting. */
  progressEveryMs?: number;
}

export async function withMigrationLock<T>(url: string, work: () => Promise<T>, options: MigrationLockOptions = {}): Promise<T> {
  const log = options.log ?? ((message: string) => console.log(message));
  const client = new pg.Client({ connectionString: url, application_name: 'meterdesk-migration-lock' });
  await client.connect();
  // An error on an idle client is emitted, not thrown: don't let it crash the process.
  client.on('error', () => {});
  try {
    const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [MIGRATION_LOCK_KEY]);
    if (!rows[0]!.locked) {
      log(WAITING_MESSAGE);
      const started = Date.now();
      const timer = setInterval(() => log(`${WAITING_MESSAGE} (${Math.round((Date.now() - started) / 1000)} s)`), options.progressEveryMs ?? 5000);
      try {
        await client.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      } finally {
        clearInterval(timer);
      }
    }
    // Whatever the caller diagnoses now, nobody else is changing the schema meanwhile.
    return await work();
  } finally {
    // Ending the session releases the lock too; unlocking first frees it without waiting for the close.
    await client.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}
