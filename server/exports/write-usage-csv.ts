// The usage CSVs, streamed with constant memory: the ledger is read in keyset pages (oldest first,
// by the (organization, time, id) index), each page written through csv-stringify to the file with
// backpressure respected, so a million events never sit in memory at once.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { csvField, csvLine } from './csv-line';
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

/**
 * The events file's columns as SQL text expressions, each already in the file's format (to_char,
 * casts, exact decimals), so this process only quotes and joins. Free text (names, resource,
 * country, keys, metadata) may need quoting; times, ids and numbers never do.
 */
const EVENT_FIELDS: Record<(typeof EVENT_COLUMNS)[number], { sql: string; freeText: boolean }> = {
  occurred_at: { sql: `to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, freeText: false },
  event_id: { sql: 'e.id::text', freeText: false },
  metric: { sql: 'e.metric', freeText: true },
  channel: { sql: CHANNEL_SQL, freeText: false },
  quantity: { sql: 'e.quantity::text', freeText: false },
  user_id: { sql: `coalesce(e.user_id::text, '')`, freeText: false },
  user_name: { sql: `coalesce(coalesce(nullif(u.name, ''), u.email), '')`, freeText: true },
  team_id: { sql: `coalesce(e.team_id::text, '')`, freeText: false },
  team_name: { sql: `coalesce(t.name, '')`, freeText: true },
  resource_type: { sql: `coalesce(e.resource_type, '')`, freeText: true },
  resource_id: { sql: `coalesce(e.resource_id, '')`, freeText: true },
  country: { sql: `coalesce(e.metadata->>'country', '')`, freeText: true },
  cost: { sql: decimal('e.cost_micros'), freeText: false },
  cost_micros: { sql: `coalesce(e.cost_micros::text, '')`, freeText: false },
  price: { sql: decimal('e.price_micros'), freeText: false },
  price_micros: { sql: `coalesce(e.price_micros::text, '')`, freeText: false },
  currency: { sql: `coalesce(e.currency, '')`, freeText: true },
  source: { sql: 'e.source::text', freeText: true },
  idempotency_key: { sql: 'e.idempotency_key', freeText: true },
  metadata: { sql: `coalesce(e.metadata::text, '')`, freeText: true },
};

/**
 * What PostgreSQL sends per row: each free-text column alone (quoted here), and each run of columns
 * that never need quoting already joined with commas — fewer values for this process to parse.
 */
const SEGMENTS: { sql: string; freeText: boolean }[] = [];
for (const c of EVENT_COLUMNS) {
  const f = EVENT_FIELDS[c];
  const prev = SEGMENTS[SEGMENTS.length - 1];
  if (!f.freeText && prev && !prev.freeText) prev.sql = `${prev.sql} || ',' || ${f.sql}`;
  else SEGMENTS.push({ ...f });
}
const FREE_TEXT = SEGMENTS.map((f) => f.freeText);
const N = SEGMENTS.length;

/**
 * The events, oldest first: as the file's columns (`columns`, the benchmark's COPY baseline) or as
 * the segments this process joins; then, for PGlite's pages, the keyset (the exact time as text, the
 * id), not written. `after`: only the rows after the keyset in $5, $6.
 */
export function eventsSelectSql(target: ExportTarget, options: { columns?: boolean; keyset?: boolean; after?: boolean; limit?: number } = {}): string {
  const select = options.columns ? EVENT_COLUMNS.map((c) => `${EVENT_FIELDS[c].sql} as ${c}`) : SEGMENTS.map((f, i) => `${f.sql} as s${i}`);
  return `select ${select.join(', ')}${options.keyset ? ', e.occurred_at::text as k_at, e.id::text as k_id' : ''}
            from usage_events e
            left join users u on u.id = e.user_id
            left join teams t on t.organization_id = e.organization_id and t.id = e.team_id
           where ${scopeCondition(target)}${options.after ? ' and (e.occurred_at, e.id) > ($5::timestamptz, $6::uuid)' : ''}
           order by e.occurred_at, e.id${options.limit ? ` limit ${options.limit}` : ''}`;
}

/** Writes are gathered into strings of about this many characters: small enough to stay out of V8's large-object space. */
const CHUNK = 32_768;

/**
 * Writes every event of the target to `out` on a connection of its own; returns the number of rows.
 * On PostgreSQL one server-side cursor reads the period in one scan (the next batch fetched while
 * this one is written); on PGlite, keyset pages by the (organization, time, id) index. Rows arrive as
 * arrays of text; csv-line.ts quotes the free-text fields (byte-identical to csv-stringify) and the
 * lines go out in small chunks, with backpressure awaited once per batch. Memory stays at about two
 * batches whatever the period holds. Cancelled through `signal`.
 */
export async function writeUsageEventsCsv(db: Database, target: ExportTarget, out: Writable, options: { signal?: AbortSignal; onProgress?: CsvProgress; pageSize?: number } = {}) {
  const size = options.pageSize ?? 500;
  const params = scopeParams(target);
  let failed: unknown = null;
  const onError = (e: unknown) => (failed = e);
  out.on('error', onError);
  try {
    return await db.withReader(async (reader) => {
      let rows = 0;
      let text = csvLine(EVENT_COLUMNS);
      let flowing = true;
      const writeBatch = async (batch: unknown[][]) => {
        checkSignal(options.signal);
        for (const r of batch) {
          let line = '';
          for (let i = 0; i < N; i++) line += (i ? ',' : '') + (FREE_TEXT[i] ? csvField(r[i]) : (r[i] as string));
          text += `${line}\n`;
          if (text.length >= CHUNK) {
            flowing = out.write(text) && flowing;
            text = '';
          }
        }
        if (failed) throw failed;
        if (!flowing) {
          await once(out, 'drain');
          flowing = true;
        }
        rows += batch.length;
        options.onProgress?.(rows);
      };
      if (reader.cursor) {
        for await (const batch of reader.cursor(eventsSelectSql(target), params, size)) await writeBatch(batch);
      } else {
        const first = eventsSelectSql(target, { keyset: true, limit: size });
        const next = eventsSelectSql(target, { keyset: true, after: true, limit: size });
        let pending: Promise<unknown[][]> | null = reader.query('usage-csv-first', first, params);
        while (pending) {
          const batch: unknown[][] = await pending;
          const last = batch[batch.length - 1];
          // The next page is read while this one is written.
          pending = batch.length === size && last ? reader.query('usage-csv-next', next, [...params, last[N], last[N + 1]]) : null;
          pending?.catch(() => {});
          await writeBatch(batch);
        }
      }
      checkSignal(options.signal);
      if (text) out.write(text);
      return { rows };
    });
  } finally {
    out.off('error', onError);
  }
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

