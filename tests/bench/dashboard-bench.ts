// Usage dashboard benchmark against PostgreSQL (DATABASE_URL, default the local server): an
// organization of 10,000 members in 50 teams with a month of usage (1.5 M events by default,
// BENCH_DASHBOARD_EVENTS), seeded by tests/bench/seed-usage.ts (shared with the export benchmark):
// set-based SQL, summed into counters and daily rollups as ingestion would have. Then the organization dashboard's queries — the use cases its screen
// calls on opening (usage.overview and usage.breakdown by team; then by person, and the first page
// of the events drill-down) — are timed beside a raw read of the organization's counters.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Clock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { getUsageBreakdown } from '../../server/usage/get-usage-breakdown';
import { getUsageOverview } from '../../server/usage/get-usage-overview';
import { listUsageEvents } from '../../server/usage/list-usage-events';
import { seedUsageOrganization } from './seed-usage';

const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const MEMBERS = 10_000;
const TEAMS = 50;
const EVENTS = Number(process.env.BENCH_DASHBOARD_EVENTS ?? 1_500_000);
const RUNS = 7;
const clock: Clock = { now: () => new Date('2026-11-28T12:00:00Z') };

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

async function time(runs: number, work: () => Promise<unknown>) {
  await work(); // warm-up: plans, connections, caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, max: samples[samples.length - 1]! };
}

const dbName = `meterdesk_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
try {
  const db = await openDatabase({ databaseUrl: url });
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});

  const seeded = await seedUsageOrganization(db, pool, { slug: 'bench-dash', name: 'Dashboard Bench', members: MEMBERS, teams: TEAMS, events: EVENTS, teamSmsBudget: 40_000 });
  const seedSeconds = seeded.seconds;
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  const [sizes] = (await q(`select (select count(*) from usage_events) as events, (select count(*) from usage_counters) as counters, (select count(*) from usage_daily_rollups) as rollups`)).rows as { events: string; counters: string; rollups: string }[];

  const actor = { organizationId: seeded.organizationId, userId: seeded.ownerId, role: 'owner' as const };
  const managerTeam = seeded.ownerTeamId;

  // What the organization dashboard asks for when it opens.
  const dashboard = await time(RUNS, () =>
    Promise.all([getUsageOverview(db, actor, { scope: 'organization' }, clock), getUsageBreakdown(db, actor, { scope: 'organization', metric: 'sms_sent', by: 'team', top: 6 }, clock)]),
  );
  const byPerson = await time(RUNS, () => getUsageBreakdown(db, actor, { scope: 'organization', metric: 'sms_sent', by: 'person', top: 6 }, clock));
  const team = await time(RUNS, () =>
    Promise.all([getUsageOverview(db, actor, { scope: 'team', id: managerTeam }, clock), getUsageBreakdown(db, actor, { scope: 'team', id: managerTeam, metric: 'sms_sent', by: 'person', top: 6 }, clock)]),
  );
  const events = await time(RUNS, () => listUsageEvents(db, actor, { teamId: managerTeam, metric: 'sms_sent', limit: 100 }));
  // The raw baseline: a plain SELECT of the organization's counters for the period.
  const raw = await time(RUNS, () => pool.query(`select metric, used, reserved from usage_counters where organization_id = $1 and scope = 'organization' and scope_id = $1 and period_start = $2`, [seeded.organizationId, new Date('2026-11-01T00:00:00Z')]));

  const base = { members: MEMBERS, teams: TEAMS, events: Number(sizes!.events), counters: Number(sizes!.counters), rollups: Number(sizes!.rollups), seed_seconds: +seedSeconds.toFixed(1) };
  const ms = (v: number) => +v.toFixed(2);
  emit({ figure: 'organization_dashboard', ...base, dashboard_ms: ms(dashboard.median), dashboard_max_ms: ms(dashboard.max), baseline_counter_read_ms: ms(raw.median), ratio: +(dashboard.median / raw.median).toFixed(1), target: 'dashboard < 1000 ms' });
  emit({ figure: 'organization_by_person', people_ms: ms(byPerson.median), baseline_counter_read_ms: ms(raw.median), ratio: +(byPerson.median / raw.median).toFixed(1) });
  emit({ figure: 'team_dashboard', team_ms: ms(team.median), baseline_counter_read_ms: ms(raw.median), ratio: +(team.median / raw.median).toFixed(1) });
  emit({ figure: 'events_drilldown_first_page', events_page_ms: ms(events.median), baseline_counter_read_ms: ms(raw.median), ratio: +(events.median / raw.median).toFixed(1) });
  await pool.end();
  await db.close();
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
process.exit(0);
