// What-if replay benchmark against PostgreSQL (DATABASE_URL, default the local server): 1,000
// tenants on Starter with 3 full months of ledger (10 M events by default, BENCH_REPLAY_EVENTS),
// written with set-based SQL into usage_events and then summed into the daily rollups and counters
// exactly as ingestion keeps them. The replay (the current version for "before" and the self-check,
// then a draft with a lower SMS quota and a lower price) is timed beside a raw scan of the same rows.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import type { Clock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { catalogPlanTerms } from '../../server/plan-lab/plan-terms';
import { replayPlan } from '../../server/plan-lab/replay/replay-plan';

const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const TENANTS = Number(process.env.BENCH_REPLAY_TENANTS ?? 1000);
const EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 10_000_000);
const PER_TENANT = Math.floor(EVENTS / TENANTS);
const DAYS = 92; // August, September and October 2026
const clock: Clock = { now: () => new Date('2026-11-15T12:00:00Z') };

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify({ ...figure, loadavg: loadavg().map((l) => Number(l.toFixed(2))) }));
}

// BENCH_REPLAY_DB: replay an already seeded bench database again (kept, not dropped) while tuning.
const reuse = process.env.BENCH_REPLAY_DB;
const dbName = reuse ?? `meterdesk_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
if (!reuse) await admin.query(`create database ${dbName}`);
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
try {
  const db = await openDatabase({ databaseUrl: url });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);

  const seedStarted = performance.now();
  if (!reuse) await seed();
  async function seed() {
  await q(`create table bench_orgs (k int primary key, id uuid not null)`);
  await q(`insert into bench_orgs select g, gen_random_uuid() from generate_series(1, ${TENANTS}) g`);
  await q(`insert into organizations (id, slug, name, updated_at) select id, 'bench-' || k, 'Tenant ' || lpad(k::text, 4, '0'), now() from bench_orgs`);
  await q(`insert into subscriptions (organization_id, plan_key, status, billing_interval, updated_at) select id, 'starter', 'active', 'month', now() from bench_orgs`);
  await q(`insert into users (id, email, name, updated_at) select gen_random_uuid(), 'p' || o.k || '-' || i || '@bench.test', 'Person ' || i, now() from bench_orgs o cross join generate_series(0, 3) i`);
  await q(`insert into teams (organization_id, id, name, updated_at) select o.id, gen_random_uuid(), 'Team ' || i, now() from bench_orgs o cross join generate_series(0, 1) i`);
  // Four people per tenant, two per team.
  await q(`create table bench_people as
     select o.k, i as idx, u.id as user_id, (select t.id from teams t where t.organization_id = o.id and t.name = 'Team ' || (i % 2)) as team_id
       from bench_orgs o cross join generate_series(0, 3) i join users u on u.email = 'p' || o.k || '-' || i || '@bench.test'`);
  await q(`create index on bench_people (k, idx)`);
  await q(`insert into memberships (organization_id, id, user_id, role, updated_at)
     select o.id, gen_random_uuid(), p.user_id, case when p.idx = 0 then 'owner' else 'member' end::"OrgRole", now() from bench_people p join bench_orgs o using (k)`);
  // One tenant in ten: a per-person SMS limit and a team budget that history stayed within.
  await q(`insert into user_limits (organization_id, user_id, metric, "limit", updated_at)
     select o.id, p.user_id, 'sms_sent', 100000, now() from bench_people p join bench_orgs o using (k) where o.k % 10 = 0 and p.idx = 1`);
  await q(`insert into team_budgets (organization_id, team_id, metric, "limit", updated_at)
     select distinct o.id, p.team_id, 'sms_sent', 100000, now() from bench_people p join bench_orgs o using (k) where o.k % 10 = 0 and p.idx = 0`);

  // Events: tenant k sends 15–26 % SMS, 60 % email, the rest AI queries (history within Starter's quotas).
  const CHUNK = 50;
  for (let first = 1; first <= TENANTS; first += CHUNK) {
    await q(
      `insert into usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, source)
       select o.id, gen_random_uuid(),
              case when (j * 31 + o.k * 17) % 100 < 15 + o.k % 12 then 'sms_sent' when (j * 31 + o.k * 17) % 100 < 75 + o.k % 12 then 'emails_sent' else 'ai_queries' end,
              1,
              timestamptz '2026-08-01 00:00:00+00' + make_interval(days => ((j * 7919 + o.k) % ${DAYS})::int, secs => ((j * 104729) % 86400)::int),
              now(), 'e' || j, p.user_id, p.team_id, 'api'
         from bench_orgs o cross join generate_series(1, ${PER_TENANT}) j
         join bench_people p on p.k = o.k and p.idx = j % 4
        where o.k between $1 and $2`,
      [first, first + CHUNK - 1],
    );
    if (first % 200 === 1) console.error(`seeded events of tenants ${first}–${Math.min(TENANTS, first + CHUNK - 1)}`);
  }
  // Rollups and counters as ingestion keeps them: per scope (organization, team, person), metric and UTC day / calendar month.
  for (const [scope, col] of [['organization', 'organization_id'], ['team', 'team_id'], ['user', 'user_id']] as const) {
    await q(`insert into usage_daily_rollups (organization_id, scope, scope_id, metric, day, quantity, cost_micros, price_micros)
       select organization_id, '${scope}', ${col}, metric, (occurred_at at time zone 'UTC')::date, sum(quantity), 0, 0 from usage_events where ${col} is not null group by 1, 3, 4, 5`);
    await q(`insert into usage_counters (organization_id, scope, scope_id, metric, period_start, used, reserved, updated_at)
       select organization_id, '${scope}', ${col}, metric, date_trunc('month', occurred_at at time zone 'UTC') at time zone 'UTC', sum(quantity), 0, now() from usage_events where ${col} is not null group by 1, 3, 4, 5`);
  }
  await q('analyze');
  }
  const [{ n }] = (await q(`select count(*)::int as n from usage_events`)).rows as [{ n: number }];
  emit({ figure: 'replay_seed', events: n, tenants: TENANTS, seconds: Number(((performance.now() - seedStarted) / 1000).toFixed(1)) });

  // The draft: Starter at $19 with an SMS quota a fifth of the average month's SMS below the heaviest tenants'.
  const starter = catalogPlanTerms('starter');
  const smsCut = Math.round((PER_TENANT / DAYS) * 31 * 0.2);
  const draft = { ...starter, version: 2, name: 'Starter (draft)', quotas: { ...starter.quotas, sms_sent: smsCut }, prices: { ...starter.prices, month: { ...starter.prices.month!, amountMinor: 1900 } } };

  // Raw: one scan of the same rows (every event of these tenants in the three months).
  const orgIds = ((await q(`select id from bench_orgs order by k`)).rows as Array<{ id: string }>).map((r) => r.id);
  const rawScan = async () => {
    const t0 = performance.now();
    await q(`select count(*), sum(quantity) from usage_events where organization_id = any($1::uuid[]) and occurred_at >= '2026-08-01T00:00:00Z' and occurred_at < '2026-11-01T00:00:00Z'`, [orgIds]);
    return performance.now() - t0;
  };
  await rawScan(); // warm the cache as the replay's own first read would not be
  const rawMs = await rawScan();

  const t0 = performance.now();
  const result = await replayPlan(db, clock, { draft, compareWith: starter, months: 3 });
  const replayMs = performance.now() - t0;
  emit({
    figure: 'replay',
    tenants: result.totals.tenants,
    events: n,
    replay_s: Number((replayMs / 1000).toFixed(2)),
    raw_scan_s: Number((rawMs / 1000).toFixed(2)),
    ratio: Number((replayMs / rawMs).toFixed(2)),
    budget_s: 60,
    self_check_ok: result.selfCheck.ok,
    self_check: { usage: result.selfCheck.usage, overage: result.selfCheck.overage, recordedRefused: result.selfCheck.recordedRefused },
    blocked_tenants: result.totals.blockedTenants,
    mrr_delta_usd: result.totals.mrrDeltaMinor / 100,
    stats: result.stats,
  });
  await pool.end();
  await db.close();
  if (!result.selfCheck.ok) process.exitCode = 1;
} finally {
  if (process.env.BENCH_REPLAY_KEEP) console.error(`kept ${dbName}`);
  else if (!reuse) await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
