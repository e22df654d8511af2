// The usage CSVs, streamed with constant memory: the ledger is read in keyset pages (oldest first,
// by the (organization, time, id) index), each page written through csv-stringify to the file with
// backpressure respected, so a million events never sit in memory at once.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { csvLine } from './csv-line';
import type { Database } from '../db/open-database';
import { CHANNEL_SQL, scopeCondition, scopeParams, type ExportTarget } from './export-target';

export const EVENT_COLUMNS = [
  'occurred_at', 'event_id', 'metric', 'channel', 'quantity', 'user_id', 'user_name', 'team_id', 'team_name',
  'resource_type', 'resource_id', 'country', 'cost', 'cost_micros', 'price', 'price_micros', 'currency', 'source', 'idempotency_key', 'metadata',
] as const;

export const SUMMARY_COLUMNS = ['metric', 'channel', 'team_id', 'team_name', 'user_id', 'user_name', 'events', 'quantity', 'cost', 'cost_micros', 'price', 'price_micros', 'currency'] as const;

export interface CsvProgress {
  (rowsWritten: number): void;
}

export class ExportCanceledError extends Error {
  constructor() {
    super('The export was cancelled.');
    this.name = 'ExportCanceledError';
  }
}

function checkSignal(signal?: AbortSignal) {
  if (signal?.aborted) throw new ExportCanceledError();
}

/** How many events the scope has in the period (the progress bar's total). */
export async function countScopeEvents(db: Database, target: ExportTarget): Promise<number> {
  const [row] = await db.query<{ n: string }>(`select count(*) as n from usage_events e where ${scopeCondition(target)}`, scopeParams(target));
  return Number(row?.n ?? 0);
}

const decimal = (col: string) => `case when ${col} is null then '' else trim(to_char(${col}::numeric / 1000000, 'FM999999999999990.000000')) end`;

/** One row per event: time, attribution (person, team, resource), country, cost and price. */
export function eventsPageSql(target: ExportTarget, pageSize: number, after = false) {
  return `select to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at, e.id::text as event_id, e.metric, ${CHANNEL_SQL} as channel,
                 e.quantity::text as quantity, coalesce(e.user_id::text, '') as user_id, coalesce(coalesce(nullif(u.name, ''), u.email), '') as user_name,
                 coalesce(e.team_id::text, '') as team_id, coalesce(t.name, '') as team_name, coalesce(e.resource_type, '') as resource_type, coalesce(e.resource_id, '') as resource_id,
                 coalesce(e.metadata->>'country', '') as country, ${decimal('e.cost_micros')} as cost, coalesce(e.cost_micros::text, '') as cost_micros,
                 ${decimal('e.price_micros')} as price, coalesce(e.price_micros::text, '') as price_micros, coalesce(e.currency, '') as currency, e.source,
                 e.idempotency_key, coalesce(e.metadata::text, '') as metadata, e.occurred_at as k_at
            from usage_events e
            left join users u on u.id = e.user_id
            left join teams t on t.organization_id = e.organization_id and t.id = e.team_id
           where ${scopeCondition(target)}${after ? ' and (e.occurred_at, e.id) > ($5::timestamptz, $6::uuid)' : ''}
           order by e.occurred_at, e.id
           limit ${pageSize}`;
}

/**
 * Writes every event of the target to `out`, one page at a time; returns the number of rows.
 * Each page is turned into CSV text (csv-line.ts, identical to csv-stringify's) and written with backpressure, while
 * the next page is already being read (the database works while this process formats). Memory
 * stays at about two pages whatever the period holds. Cancelled through `signal`.
 */
export async function writeUsageEventsCsv(db: Database, target: ExportTarget, out: Writable, options: { signal?: AbortSignal; onProgress?: CsvProgress; pageSize?: number } = {}) {
  const pageSize = options.pageSize ?? 5_000;
  // The first page, then each next one after the last row seen: an index range scan each time
  // (organization, time, id), never a re-sort of the whole period.
  const first = eventsPageSql(target, pageSize);
  const next = eventsPageSql(target, pageSize, true);
  type Row = Record<string, unknown>;
  const read = (cursor: { at: unknown; id: unknown } | null) =>
    cursor ? db.query<Row>(next, [...scopeParams(target), cursor.at, cursor.id]) : db.query<Row>(first, scopeParams(target));
  let failed: unknown = null;
  out.on('error', (e) => (failed = e));
  let rows = 0;
  let pending: Promise<Row[]> | null = read(null);
  let header = true;
  while (pending) {
    checkSignal(options.signal);
    const page: Row[] = await pending;
    const last = page[page.length - 1];
    // Start reading the next page before formatting this one.
    pending = page.length === pageSize && last ? read({ at: last.k_at, id: last.event_id }) : null;
    pending?.catch(() => {});
    let text = header ? csvLine(EVENT_COLUMNS) : '';
    header = false;
    for (const r of page) {
      text += csvLine([r.occurred_at, r.event_id, r.metric, r.channel, r.quantity, r.user_id, r.user_name, r.team_id, r.team_name, r.resource_type, r.resource_id, r.country, r.cost, r.cost_micros, r.price, r.price_micros, r.currency, r.source, r.idempotency_key, r.metadata]);
    }
    if (failed) throw failed;
    if (!out.write(text)) await once(out, 'drain');
    rows += page.length;
    options.onProgress?.(rows);
  }
  if (header) out.write(csvLine(EVENT_COLUMNS));
  return { rows };
}

/** One row per metric × team × person: events, quantity, cost and price. */
export async function writeUsageSummaryCsv(db: Database, target: ExportTarget, out: Writable, options: { signal?: AbortSignal } = {}) {
  checkSignal(options.signal);
  const rows = await summaryRows(db, target);
  const stringifier = stringify({ header: true, columns: [...SUMMARY_COLUMNS] });
  const done = new Promise<void>((resolve, reject) => {
    stringifier.on('error', reject);
    out.on('error', reject);
    stringifier.on('end', resolve);
  });
  stringifier.pipe(out, { end: false });
  for (const r of rows) {
    if (!stringifier.write([r.metric, r.channel, r.team_id, r.team_name, r.user_id, r.user_name, r.events, r.quantity, r.cost, r.cost_micros, r.price, r.price_micros, r.currency])) await once(stringifier, 'drain');
  }
  stringifier.end();
  await done;
  return { rows: rows.length };
}

export async function summaryRows(db: Database, target: ExportTarget) {
  return db.query<Record<string, string>>(
    `select s.metric, s.channel, coalesce(s.team_id::text, '') as team_id, coalesce(t.name, '') as team_name, coalesce(s.user_id::text, '') as user_id,
            coalesce(coalesce(nullif(u.name, ''), u.email), '') as user_name, s.events::text as events, s.quantity::text as quantity,
            ${decimal('s.cost_micros')} as cost, coalesce(s.cost_micros::text, '') as cost_micros, ${decimal('s.price_micros')} as price, coalesce(s.price_micros::text, '') as price_micros, s.currency
       from (select e.metric, ${CHANNEL_SQL} as channel, e.team_id, e.user_id, count(*) as events, sum(e.quantity) as quantity, sum(e.cost_micros) as cost_micros,
                    sum(e.price_micros) as price_micros, coalesce(max(e.currency), '') as currency
               from usage_events e where ${scopeCondition(target)} group by 1, 2, 3, 4) s
       left join users u on u.id = s.user_id
       left join teams t on t.organization_id = $1 and t.id = s.team_id
      order by s.metric, t.name nulls last, user_name`,
    scopeParams(target),
  );
}

