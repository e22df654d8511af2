// Retention of the raw usage ledger: each whole month past the retention setting is written to a
// gzip CSV in the data folder (one file per month, its row count and sha256 recorded in
// usage_event_archives), then its idempotency keys are removed and its partition detached and
// dropped. Daily rollups are not touched: dashboards, exports and the plan lab keep their history.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { sha256File } from '../exports/export-pack';
import { ensureUsagePartitionsFor, monthStart } from './ensure-usage-partitions';
import { getUsageRetentionMonths } from './usage-retention';

export const ARCHIVE_COLUMNS = [
  'organization_id', 'id', 'metric', 'quantity', 'occurred_at', 'recorded_at', 'idempotency_key', 'user_id', 'team_id',
  'resource_type', 'resource_id', 'metadata', 'cost_micros', 'price_micros', 'currency', 'source', 'reservation_id',
] as const;

export interface ArchivedMonth {
  month: string;
  fileName: string;
  rows: number;
  sha256: string;
}

export interface ArchiveDeps {
  db: Database;
  clock: Clock;
  /** Folder for the archive files (<dataDir>/archive/usage-events). */
  dir: string;
  /** Rows read per page (keyset over the partition's primary key). */
  pageSize?: number;
}

/** The months (YYYY-MM-DD) whose every event is older than the retention: the month ends on or before now − retention. */
export async function monthsPastRetention(db: Database, now: Date, retentionMonths: number): Promise<string[]> {
  // The month holding (now − retention) still has events inside retention: it is the first one kept.
  const firstKept = monthStart(now, -retentionMonths);
  const rows = await db.query<{ month: string }>(
    `select to_char(month, 'YYYY-MM-DD') as month from (
       select to_date(substr(c.relname, 15), 'YYYYMM') as month
         from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'usage_events'::regclass and c.relname ~ '^usage_events_p[0-9]{6}$'
       union
       select distinct date_trunc('month', occurred_at at time zone 'UTC')::date from usage_events_default
        where occurred_at < ($1::date)::timestamp at time zone 'UTC'
     ) m where month < $1::date order by month`,
    [firstKept],
  );
  return rows.map((r) => r.month);
}

/** Archives and drops every month past retention; returns the months archived by this call. */
export async function archiveExpiredUsageMonths(deps: ArchiveDeps): Promise<ArchivedMonth[]> {
  const retention = await getUsageRetentionMonths(deps.db);
  const done: ArchivedMonth[] = [];
  for (const month of await monthsPastRetention(deps.db, deps.clock.now(), retention)) {
    const archived = await archiveUsageMonth(deps, month);
    if (archived) done.push(archived);
  }
  return done;
}

/**
 * Archives one month (YYYY-MM-DD, first day) and drops its partition; null when another process
 * archived it first. The file is written under a temporary name and becomes the archive, with its
 * record, in the transaction that drops the partition — so the events are never gone without a
 * complete file, and a failure part-way leaves the partition as it was, to retry next run.
 */
export async function archiveUsageMonth(deps: ArchiveDeps, month: string): Promise<ArchivedMonth | null> {
  const { db } = deps;
  // Events of the month still in the default partition get their own partition first.
  await ensureUsagePartitionsFor(db, [month]);
  const partition = `usage_events_p${month.slice(0, 4)}${month.slice(5, 7)}`;
  if (!/^usage_events_p\d{6}$/.test(partition)) throw new Error(`not a ledger month: ${month}`);
  await mkdir(deps.dir, { recursive: true });
  const fileName = `usage-events-${month.slice(0, 7)}.csv.gz`;
  const partial = join(deps.dir, `.${fileName}.${randomBytes(6).toString('hex')}.partial`);
  try {
    const rows = await writePartitionCsv(db, partition, partial, deps.pageSize ?? 10_000);
    const sha256 = await sha256File(partial);
    const result = await db.prisma.$transaction(
      async (tx) => {
        const q = <T>(sql: string, ...params: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...params);
        const x = (sql: string, ...params: unknown[]) => tx.$executeRawUnsafe(sql, ...params);
        // One archiver per month at a time across processes; the loser finds the record and stops.
        await q(`select 1 as locked from pg_advisory_xact_lock(hashtext('meterdesk_usage_archive'), hashtext($1))`, month);
        const [present] = await q<{ n: number }>(`select count(*)::int as n from usage_event_archives where month = $1::date`, month);
        if (present!.n > 0 || !(await q<{ p: string | null }>(`select to_regclass($1)::text as p`, partition))[0]?.p) return null;
        // Nothing is recorded for a month this old, but if something was, the file would be short: stop.
        const [count] = await q<{ n: string }>(`select count(*)::text as n from ${partition}`);
        if (Number(count!.n) !== rows) throw new Error(`usage month ${month} changed while it was archived (${count!.n} rows now, ${rows} written); retrying next run`);
        await rename(partial, join(deps.dir, fileName));
        await x(`insert into usage_event_archives (month, file_name, rows, sha256, archived_at) values ($1::date, $2, $3, $4, $5::timestamptz)`, month, fileName, rows, sha256, deps.clock.now());
        await x(
          `delete from usage_event_keys k using ${partition} e
            where k.organization_id = e.organization_id and k.idempotency_key = e.idempotency_key and k.event_id = e.id`,
        );
        await x(`alter table usage_events detach partition ${partition}`);
        await x(`drop table ${partition}`);
        return { month, fileName, rows, sha256 };
      },
      { timeout: 60 * 60_000, maxWait: 60_000 },
    );
    return result;
  } finally {
    await rm(partial, { force: true });
  }
}

/** Streams the partition to a gzip CSV, page by page in primary-key order; returns the rows written. */
async function writePartitionCsv(db: Database, partition: string, path: string, pageSize: number): Promise<number> {
  const csv = stringify({ header: true, columns: [...ARCHIVE_COLUMNS] });
  const done = pipeline(csv, createGzip(), createWriteStream(path));
  const select = `select organization_id::text, id::text, metric, quantity::text, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
                         to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at, idempotency_key, user_id::text, team_id::text,
                         resource_type, resource_id, metadata::text, cost_micros::text, price_micros::text, currency, source, reservation_id::text, occurred_at as k_at
                    from ${partition}`;
  let rows = 0;
  let cursor: { org: string; at: unknown; id: string } | null = null;
  try {
    for (;;) {
      const page: Record<string, unknown>[] = cursor
        ? await db.query(`${select} where (organization_id, occurred_at, id) > ($1::uuid, $2::timestamptz, $3::uuid) order by organization_id, occurred_at, id limit ${pageSize}`, [cursor.org, cursor.at, cursor.id])
        : await db.query(`${select} order by organization_id, occurred_at, id limit ${pageSize}`);
      for (const row of page) {
        const line = ARCHIVE_COLUMNS.map((c) => row[c] ?? '');
        if (!csv.write(line)) await once(csv, 'drain');
      }
      rows += page.length;
      if (page.length < pageSize) break;
      const last = page[page.length - 1]!;
      cursor = { org: last.organization_id as string, at: last.k_at, id: last.id as string };
    }
  } catch (error) {
    csv.destroy(error as Error);
    await done.catch(() => {});
    throw error;
  }
  csv.end();
  await done;
  return rows;
}
