// Monthly partitions of the usage ledger, created ahead of time: a month without its partition
// lands in the default partition, and creating the partition later has to move those rows under a
// lock, so the current month and the next ones exist before their first event.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';

export const MONTHS_AHEAD = 2;

/** First day (UTC) of the month `offset` months from the month holding `at`, as YYYY-MM-DD. */
export function monthStart(at: Date, offset = 0): string {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}

/**
 * Ensures the partitions of the current month and the next `monthsAhead`; returns the months it
 * created. Safe from several processes at once (the SQL function takes an advisory lock).
 */
export async function ensureUsagePartitions(db: Database, clock: Clock, monthsAhead = MONTHS_AHEAD): Promise<string[]> {
  const now = clock.now();
  const months = Array.from({ length: monthsAhead + 1 }, (_, i) => monthStart(now, i));
  return ensureUsagePartitionsFor(db, months);
}

/** Ensures the partitions of the given months (YYYY-MM-DD, any day of the month); returns those created. */
export async function ensureUsagePartitionsFor(db: Database, months: string[]): Promise<string[]> {
  const created: string[] = [];
  // One month per statement: each runs in its own short transaction, so the default partition is
  // locked for one month's move at a time.
  for (const month of months) {
    const [row] = await db.query<{ created: boolean }>('select meterdesk_ensure_usage_partition($1::date) as created', [month]);
    if (row?.created) created.push(month.slice(0, 7));
  }
  return created;
}

/** The ledger's monthly partitions, oldest first, with their month (YYYY-MM-DD). */
export async function listUsagePartitions(db: Database): Promise<{ name: string; month: string }[]> {
  return db.query<{ name: string; month: string }>(
    `select c.relname as name, to_char(to_date(substr(c.relname, 15), 'YYYYMM'), 'YYYY-MM-DD') as month
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'usage_events'::regclass and c.relname ~ '^usage_events_p[0-9]{6}$'
      order by c.relname`,
  );
}
