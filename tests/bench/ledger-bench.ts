// Ledger benchmark at scale against PostgreSQL (DATABASE_URL, default the local server):
// BENCH_LEDGER_EVENTS events (default 50,000,000) over BENCH_LEDGER_ORGS organizations (10,000) and
// 24 months, loaded through the usage API's own SQL (INSERT_EVENTS_SQL: key, event, counters and
// daily rollups in one statement per call of one organization) in batches of 1,000 (the API's
// maximum) on BENCH_LEDGER_CONNECTIONS connections (2); beside it, in the same run, the same rows
// as plain multi-row INSERTs into an unpartitioned copy of the ledger as it was before partitioning
// (the raw baseline). Reports rows/s, table + index bytes per event, the organization dashboard
// query (getUsageOverview) and the drill-down's first page (listUsageEvents), and the time to
// detach and drop one month's partition (versus DELETE of that month from the copy).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../server/db/open-database';
import { GAUGE_METRICS } from '../../server/metering/metrics';
import { INSERT_EVENTS_SQL } from '../../server/metering/record-usage-events';
import { ensureUsagePartitionsFor, listUsagePartitions, monthStart } from '../../server/ledger/ensure-usage-partitions';
import { getUsageOverview } from '../../server/usage/get-usage-overview';
import { listUsageEvents, listUsageEventsInput } from '../../server/usage/list-usage-events';

const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.BENCH_LEDGER_EVENTS ?? 50_000_000);
const ORGS = Number(process.env.BENCH_LEDGER_ORGS ?? 10_000);
// The raw copy may hold fewer rows (the first calls' batches) where the disk cannot hold both at full size.
const BASELINE_EVENTS = Math.min(EVENTS, Number(process.env.BENCH_LEDGER_BASELINE_EVENTS ?? EVENTS));
const CONNECTIONS = Number(process.env.BENCH_LEDGER_CONNECTIONS ?? 2);
const MONTHS = 24;
const BATCH = 1000;
const SAMPLE_ORGS = 50;
const METRICS = ['sms_sent', 'sms_sent', 'emails_sent', 'ai_queries', 'wa_messages', 'api_requests'];

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

const loadavg = async () => (await import('node:fs/promises')).readFile('/proc/loadavg', 'utf8').then((s) => s.split(' ').slice(0, 3).join(' ')).catch(() => 'n/a');

const now = new Date();
const months = Array.from({ length: MONTHS }, (_, i) => monthStart(now, i - (MONTHS - 1)));
const calls = Math.ceil(EVENTS / BATCH);

/** The rows of call i: one organization, one month, events spread over its days. */
function batch(i: number, orgIds: string[]) {
  const org = orgIds[(i * 7919) % orgIds.length]!;
  const month = months[i % MONTHS]!;
  const base = Date.parse(`${month}T00:00:00Z`);
  const n = Math.min(BATCH, EVENTS - i * BATCH);
  const keys: string[] = [], metrics: string[] = [], quantities: number[] = [], at: string[] = [], costs: number[] = [], prices: number[] = [], currency: string[] = [];
  for (let j = 0; j < n; j++) {
    const g = i * BATCH + j;
    keys.push(`ev-${g}`);
    metrics.push(METRICS[g % METRICS.length]!);
    quantities.push(1 + (g % 3));
    at.push(new Date(base + ((g * 2_654_435) % (28 * 86_400_000))).toISOString());
    costs.push(5600 * (1 + (g % 3)));
    prices.push(7500 * (1 + (g % 3)));
    currency.push('usd');
  }
  const nulls = new Array<null>(n).fill(null);
  return { org, n, keys, metrics, quantities, at, costs, prices, currency, nulls };
}

/** Runs `lanes` workers that each take the next index until `total` are done; returns seconds taken. */
async function drive(total: number, lanes: number, work: (i: number) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: lanes }, async () => { while (next < total) await work(next++); }));
  return (performance.now() - started) / 1000;
}

const dbName = `meterdesk_ledger_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
try {
  const db = await openDatabase({ databaseUrl: url });
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  pool.on('error', () => {});
  const q = (sql: string, params?: unknown[]) => pool.query(sql, params);

  // Organizations on a plan, and the 24 months' partitions (the job creates them ahead in real use).
  await q(`insert into organizations (id, slug, name, updated_at) select gen_random_uuid(), 'ledger-' || g, 'Ledger ' || g, now() from generate_series(1, ${ORGS}) g`);
  await q(`insert into subscriptions (organization_id, plan_key, updated_at) select id, 'enterprise', now() from organizations where slug like 'ledger-%'`);
  const orgIds = (await q(`select id from organizations where slug like 'ledger-%' order by slug`)).rows.map((r) => r.id as string);
  await ensureUsagePartitionsFor(db, months);

  // ── Load through the API path's SQL ────────────────────────────────────────────────────────
  const apiSeconds = await drive(calls, CONNECTIONS, async (i) => {
    const b = batch(i, orgIds);
    await q(INSERT_EVENTS_SQL, [b.org, b.keys, b.metrics, b.quantities, b.at, b.nulls, b.nulls, b.nulls, b.nulls, b.nulls, b.costs, b.prices, b.currency, now, GAUGE_METRICS]);
  });
  const loaded = ((await q(`select count(*)::bigint as n from usage_events`)).rows[0] as { n: string }).n;
  if (Number(loaded) !== EVENTS) throw new Error(`loaded ${loaded} of ${EVENTS} events`);
  const loadLoad = await loadavg();

  // ── The raw baseline: the same rows, plain multi-row INSERT into an unpartitioned copy laid out
  // as the ledger was before partitioning (primary key (organization, id), unique idempotency key).
  await q(`create table bench_raw_events (like usage_events including defaults)`);
  await q(`alter table bench_raw_events add primary key (organization_id, id)`);
  await q(`create unique index on bench_raw_events (organization_id, idempotency_key)`);
  await q(`create index on bench_raw_events (organization_id, metric, occurred_at)`);
  await q(`create index on bench_raw_events (organization_id, occurred_at, id)`);
  await q(`create index on bench_raw_events (organization_id, team_id, occurred_at)`);
  await q(`create index on bench_raw_events (organization_id, user_id, occurred_at)`);
  const rawSql = `insert into bench_raw_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, cost_micros, price_micros, currency, source)
                  select $1::uuid, gen_random_uuid(), m, qn, a, $8::timestamptz, k, c, p, cur, 'api'
                    from unnest($2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::bigint[], $7::bigint[], $9::text[]) as t(k, m, qn, a, c, p, cur)`;
  const rawSeconds = await drive(Math.ceil(BASELINE_EVENTS / BATCH), CONNECTIONS, async (i) => {
    const b = batch(i, orgIds);
    await q(rawSql, [b.org, b.keys, b.metrics, b.quantities, b.at, b.costs, b.prices, now, b.currency]);
  });
  const apiRate = EVENTS / apiSeconds;
  const rawRate = BASELINE_EVENTS / rawSeconds;
  emit({
    figure: 'ledger_load', events: EVENTS, baseline_events: BASELINE_EVENTS, organizations: ORGS, months: MONTHS, batch: BATCH, connections: CONNECTIONS,
    rows_per_second: Math.round(apiRate), baseline_rows_per_second: Math.round(rawRate), ratio: +(apiRate / rawRate).toFixed(3),
    note: 'project: INSERT_EVENTS_SQL (key + event + counters + daily rollups); baseline: plain INSERT into an unpartitioned copy', loadavg: loadLoad,
  });

  await q('vacuum analyze');
  // ── Bytes per event ────────────────────────────────────────────────────────────────────────
  const [sizes] = (
    await q(`select (select sum(pg_total_relation_size(i.inhrelid)) from pg_inherits i where i.inhparent = 'usage_events'::regclass)::bigint as ledger,
                    (select sum(pg_relation_size(i.inhrelid)) from pg_inherits i where i.inhparent = 'usage_events'::regclass)::bigint as ledger_heap,
                    pg_total_relation_size('usage_event_keys')::bigint as keys,
                    pg_total_relation_size('bench_raw_events')::bigint as raw, pg_relation_size('bench_raw_events')::bigint as raw_heap,
                    pg_total_relation_size('usage_daily_rollups')::bigint as rollups, pg_total_relation_size('usage_counters')::bigint as counters`)
  ).rows as Record<string, string>[];
  const per = (v: string | undefined) => +(Number(v) / EVENTS).toFixed(1);
  emit({
    figure: 'ledger_bytes_per_event', events: EVENTS,
    ledger_bytes_per_event: per(sizes!.ledger), ledger_heap_bytes_per_event: per(sizes!.ledger_heap), keys_bytes_per_event: per(sizes!.keys),
    total_bytes_per_event: +((Number(sizes!.ledger) + Number(sizes!.keys)) / EVENTS).toFixed(1),
    baseline_bytes_per_event: +(Number(sizes!.raw) / BASELINE_EVENTS).toFixed(1), baseline_heap_bytes_per_event: +(Number(sizes!.raw_heap) / BASELINE_EVENTS).toFixed(1),
    ratio: +((Number(sizes!.ledger) + Number(sizes!.keys)) / EVENTS / (Number(sizes!.raw) / BASELINE_EVENTS)).toFixed(3),
    rollups_bytes: Number(sizes!.rollups), counters_bytes: Number(sizes!.counters),
  });

  // ── The organization dashboard (usage overview) and the drill-down's first page ──────────────
  // Organizations with usage in the current period (what the dashboard opens on).
  const sample = (
    await q(`select organization_id from usage_counters where scope = 'organization' and period_start = $1 group by organization_id order by organization_id limit ${SAMPLE_ORGS}`, [`${months[MONTHS - 1]}T00:00:00Z`])
  ).rows.map((r) => r.organization_id as string);
  const clock = { now: () => now };
  const overview: number[] = [];
  const drill: number[] = [];
  for (const org of sample) {
    const [user] = (await q(`insert into users (id, email, name, updated_at) values (gen_random_uuid(), $1, 'Owner', now()) returning id`, [`owner-${org}@bench.test`])).rows as { id: string }[];
    await q(`insert into memberships (organization_id, id, user_id, role, updated_at) values ($1, gen_random_uuid(), $2, 'owner', now())`, [org, user!.id]);
    const actor = { organizationId: org, userId: user!.id, role: 'owner' as const };
    await getUsageOverview(db, actor, { scope: 'organization' }, clock); // warm (plans, caches)
    let t0 = performance.now();
    const o = await getUsageOverview(db, actor, { scope: 'organization' }, clock);
    overview.push(performance.now() - t0);
    if (!o.metrics.some((m) => m.used > 0)) throw new Error('the dashboard shows no usage for a loaded organization');
    t0 = performance.now();
    await listUsageEvents(db, actor, listUsageEventsInput.parse({ limit: 50 }));
    drill.push(performance.now() - t0);
  }
  const med = (xs: number[]) => +[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2);
  const max = (xs: number[]) => +Math.max(...xs).toFixed(2);
  emit({ figure: 'ledger_dashboard_query', organizations_sampled: sample.length, overview_p50_ms: med(overview), overview_max_ms: max(overview), drilldown_first_page_p50_ms: med(drill), drilldown_first_page_max_ms: max(drill), loadavg: await loadavg() });

  // ── Dropping a month: detach + drop the oldest partition (its keys removed first, timed apart),
  // versus DELETE of the same month from the unpartitioned copy.
  const oldest = (await listUsagePartitions(db))[0]!;
  const monthRows = ((await q(`select count(*)::bigint as n from ${oldest.name}`)).rows[0] as { n: string }).n;
  let t0 = performance.now();
  await q(`delete from usage_event_keys k using ${oldest.name} e where k.organization_id = e.organization_id and k.idempotency_key = e.idempotency_key and k.event_id = e.id`);
  const keysMs = performance.now() - t0;
  const client = await pool.connect();
  t0 = performance.now();
  try {
    await client.query('begin');
    await client.query(`alter table usage_events detach partition ${oldest.name}`);
    await client.query(`drop table ${oldest.name}`);
    await client.query('commit');
  } finally {
    client.release();
  }
  const dropMs = performance.now() - t0;
  const from = `${oldest.month}T00:00:00Z`;
  const to = `${monthStart(new Date(from), 1)}T00:00:00Z`;
  t0 = performance.now();
  const deleted = await q(`delete from bench_raw_events where occurred_at >= $1 and occurred_at < $2`, [from, to]);
  const deleteMs = performance.now() - t0;
  emit({
    figure: 'ledger_drop_month', month: oldest.month.slice(0, 7), rows: Number(monthRows),
    detach_drop_ms: +dropMs.toFixed(1), keys_delete_ms: +keysMs.toFixed(1), baseline_delete_ms: +deleteMs.toFixed(1), baseline_deleted: deleted.rowCount,
    ratio: +(dropMs / deleteMs).toFixed(4), loadavg: await loadavg(),
  });

  await pool.end();
  await db.close();
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
process.exit(0);
