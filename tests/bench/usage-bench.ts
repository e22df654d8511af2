// Usage metering benchmark against PostgreSQL (DATABASE_URL, default the local server):
//  1. ingestion through the HTTP API: batches of 100 events over 100 organizations, versus batched
//     INSERT … ON CONFLICT DO NOTHING of the same rows through pg (key in usage_event_keys, then the event);
//  2. hard-cap reservations on one hot organization from 32 concurrent clients, with the limit set
//     so many are refused, versus a conditional UPDATE … WHERE used + n <= limit on one row.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApiKey } from '../../server/api-keys/create-api-key';
import { systemClock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { reserveUsage } from '../../server/metering/reserve-usage';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const ORGS = 100;
const BATCH = 100;
const INGEST_REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 1500);
const INGEST_CLIENTS = Number(process.env.BENCH_INGEST_CLIENTS ?? 16);
const RESERVE_CLIENTS = 32;
const RESERVE_ATTEMPTS = Number(process.env.BENCH_RESERVE_ATTEMPTS ?? 12000);
const RESERVE_LIMIT = Math.floor(RESERVE_ATTEMPTS * 0.6);

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

function postJson(agent: http.Agent, port: number, path: string, key: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 202 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `lanes` workers that each take the next index until `total` are done; returns seconds taken. */
async function drive(total: number, lanes: number, work: (i: number) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < total) await work(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

// A scratch database for this run, dropped at the end.
const dbName = `meterdesk_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();

let serverProcess: ReturnType<typeof spawn> | undefined;
try {
  const db = await openDatabase({ databaseUrl: url });
  const pool = new pg.Pool({ connectionString: url, max: 32 });
  // The database is dropped WITH (FORCE) at the end; a connection it ends must not crash the run.
  pool.on('error', () => {});

  // ── 1. Ingestion ────────────────────────────────────────────────────────────────────────────
  const orgIds: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < ORGS; i++) {
    const org = await db.prisma.organization.create({ data: { slug: `bench-${i}`, name: `Bench ${i}` } });
    await db.prisma.subscription.create({ data: { organizationId: org.id, planKey: 'enterprise' } });
    orgIds.push(org.id);
    keys.push((await createApiKey(db, { organizationId: org.id, userId: null }, { name: 'bench', scopes: ['usage:write'] }, systemClock)).key);
  }
  serverProcess = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'tests/bench/usage-server.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: '20' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    serverProcess!.stdout!.on('data', (d: Buffer) => {
      const line = d.toString().trim().split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line).port);
    });
    serverProcess!.on('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const batchBody = (request: number, prefix: string) =>
    JSON.stringify({
      events: Array.from({ length: BATCH }, (_, j) => ({ metric: j % 3 === 0 ? 'emails_sent' : 'sms_sent', quantity: 1 + (j % 4), idempotencyKey: `${prefix}-${request}-${j}` })),
    });
  // Warm-up (JIT, connections, plan caches), not measured.
  await drive(100, INGEST_CLIENTS, async (i) => {
    await fetch(`${base}/v1/usage/events`, { method: 'POST', headers: { authorization: `Bearer ${keys[i % ORGS]}`, 'content-type': 'application/json' }, body: batchBody(i, 'warm') });
  });
  // Request bodies and rows are built before the clock starts, and sent with node:http over kept-alive
  // connections: the load generator's own work is not the project's.
  const bodies = Array.from({ length: INGEST_REQUESTS }, (_, i) => Buffer.from(batchBody(i, 'api')));
  const agent = new http.Agent({ keepAlive: true, maxSockets: INGEST_CLIENTS });
  let accepted = 0;
  const apiSeconds = await drive(INGEST_REQUESTS, INGEST_CLIENTS, async (i) => {
    const body = await postJson(agent, port, '/v1/usage/events', keys[i % ORGS]!, bodies[i]!);
    accepted += (JSON.parse(body) as { accepted: number }).accepted;
  });
  agent.destroy();
  if (accepted !== INGEST_REQUESTS * BATCH) throw new Error(`only ${accepted} of ${INGEST_REQUESTS * BATCH} events were accepted`);
  const apiRate = (INGEST_REQUESTS * BATCH) / apiSeconds;

  // The same idempotent write done raw: the ledger is partitioned by month, so a key is taken in
  // usage_event_keys (ON CONFLICT DO NOTHING) and the event written for the keys taken, one statement.
  const values = Array.from({ length: BATCH }, (_, r) => `($${r * 5 + 1}::uuid, $${r * 5 + 2}::uuid, $${r * 5 + 3}::text, $${r * 5 + 4}::bigint, $${r * 5 + 5}::text)`).join(',');
  const baselineSql = `with v (organization_id, id, metric, quantity, idempotency_key) as (values ${values}),
    k as (insert into usage_event_keys (organization_id, idempotency_key, occurred_at, event_id) select organization_id, idempotency_key, now(), id from v on conflict (organization_id, idempotency_key) do nothing returning event_id)
    insert into usage_events (organization_id, id, metric, quantity, occurred_at, idempotency_key) select v.organization_id, v.id, v.metric, v.quantity, now(), v.idempotency_key from v join k on k.event_id = v.id`;
  const baselineRows = Array.from({ length: INGEST_REQUESTS }, (_, i) =>
    Array.from({ length: BATCH }, (_, j) => [orgIds[i % ORGS], randomUUID(), j % 3 === 0 ? 'emails_sent' : 'sms_sent', 1 + (j % 4), `raw-${i}-${j}`]).flat(),
  );
  const baselineSeconds = await drive(INGEST_REQUESTS, INGEST_CLIENTS, async (i) => {
    await pool.query(baselineSql, baselineRows[i]);
  });
  const baselineRate = (INGEST_REQUESTS * BATCH) / baselineSeconds;
  emit({ figure: 'ingestion_http_api', events: INGEST_REQUESTS * BATCH, batch: BATCH, organizations: ORGS, clients: INGEST_CLIENTS, events_per_second: Math.round(apiRate), baseline_events_per_second: Math.round(baselineRate), ratio: +(apiRate / baselineRate).toFixed(3), target: '>= 20000 events/s and >= 0.4 of baseline' });
  serverProcess.kill('SIGTERM');

  // ── 2. Hard-cap reservations on one hot organization ──────────────────────────────────────────
  const hot = await db.prisma.organization.create({ data: { slug: 'bench-hot', name: 'Hot' } });
  await db.prisma.subscription.create({ data: { organizationId: hot.id, planKey: 'starter' } });
  await db.prisma.quotaOverride.create({ data: { organizationId: hot.id, metric: 'sms_sent', limit: RESERVE_LIMIT, startsAt: new Date(Date.now() - 60_000), endsAt: new Date(Date.now() + 86_400_000), reason: 'benchmark' } });
  const hotDb = await openDatabase({ databaseUrl: url }); // its own pool
  process.env.DATABASE_POOL_SIZE = String(RESERVE_CLIENTS);
  const engine = await openDatabase({ databaseUrl: url });
  const latencies: number[] = [];
  let granted = 0;
  const reserveSeconds = await drive(RESERVE_ATTEMPTS, RESERVE_CLIENTS, async () => {
    const t0 = performance.now();
    const r = await reserveUsage(engine, hot.id, { metric: 'sms_sent', quantity: 1, ttlSeconds: 3600 }, systemClock);
    latencies.push(performance.now() - t0);
    if (r.status === 'reserved') granted++;
  });
  const [counter] = await engine.query<{ used: string; reserved: string }>(`select used, reserved from usage_counters where organization_id = $1 and scope = 'organization' and metric = 'sms_sent'`, [hot.id]);
  const overshoot = Number(counter!.used) + Number(counter!.reserved) - RESERVE_LIMIT;

  await pool.query('create table bench_counter (id int primary key, used bigint not null, "limit" bigint not null)');
  await pool.query('insert into bench_counter values (1, 0, $1)', [RESERVE_LIMIT]);
  const baseLatencies: number[] = [];
  const rawSeconds = await drive(RESERVE_ATTEMPTS, RESERVE_CLIENTS, async () => {
    const t0 = performance.now();
    await pool.query('update bench_counter set used = used + $1 where id = 1 and used + $1 <= "limit"', [1]);
    baseLatencies.push(performance.now() - t0);
  });
  latencies.sort((a, b) => a - b);
  baseLatencies.sort((a, b) => a - b);
  const rate = RESERVE_ATTEMPTS / reserveSeconds;
  const rawRate = RESERVE_ATTEMPTS / rawSeconds;
  emit({
    figure: 'hard_cap_reservations',
    attempts: RESERVE_ATTEMPTS,
    granted,
    refused: RESERVE_ATTEMPTS - granted,
    limit: RESERVE_LIMIT,
    clients: RESERVE_CLIENTS,
    reservations_per_second: Math.round(rate),
    p50_ms: +percentile(latencies, 50).toFixed(2),
    p99_ms: +percentile(latencies, 99).toFixed(2),
    baseline_updates_per_second: Math.round(rawRate),
    baseline_p50_ms: +percentile(baseLatencies, 50).toFixed(2),
    baseline_p99_ms: +percentile(baseLatencies, 99).toFixed(2),
    ratio: +(rate / rawRate).toFixed(3),
    overshoot,
    target: '>= 1250/s, >= 0.5 of baseline, p99 <= 25 ms, overshoot 0',
  });
  await engine.close();
  await hotDb.close();
  await pool.end();
  await db.close();
} finally {
  serverProcess?.kill('SIGTERM');
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
process.exit(0);
