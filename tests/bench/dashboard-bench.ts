// Usage dashboard benchmark against PostgreSQL (DATABASE_URL, default the local server): an
// organization of 10,000 members in 50 teams with a month of usage (1.5 M events by default,
// BENCH_DASHBOARD_EVENTS), written with set-based SQL and summed into counters and daily rollups
// as ingestion would have. Then the organization dashboard's queries — the use cases its screen
// calls on opening (usage.overview and usage.breakdown by team; then by person, and the first page
// of the events drill-down) — are timed beside a raw read of the organization's counters.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Clock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { getUsageBreakdown } from '../../server/usage/get-usage-breakdown';
import { getUsageOverview } from '../../server/usage/get-usage-overview';
import { listUsageEvents } from '../../server/usage/list-usage-events';

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

  const seedStarted = performance.now();
  const org = await db.prisma.organization.create({ data: { slug: 'bench-dash', name: 'Dashboard Bench' } });
  await db.prisma.subscription.create({ data: { organizationId: org.id, planKey: 'enterprise' } });
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  await q(`insert into teams (organization_id, id, name, updated_at) select $1, gen_random_uuid(), 'Team ' || lpad(g::text, 2, '0'), now() from generate_series(1, ${TEAMS}) g`, [org.id]);
  await q(`insert into users (id, email, name, updated_at) select gen_random_uuid(), 'person' || g || '@bench.test', 'Person ' || g, now() from generate_series(1, ${MEMBERS}) g`);
  await q(`insert into memberships (organization_id, id, user_id, role, updated_at) select $1, gen_random_uuid(), id, case when email = 'person1@bench.test' then 'owner' else 'member' end::"OrgRole", now() from users where email like '%@bench.test'`, [org.id]);
  // Person n is in team (n mod 50); the first of each team manages it.
  await q(
    `with t as (select id, row_number() over (order by name) - 1 as k from teams where organization_id = $1),
          u as (select id, (substring(email from 'person(\\d+)@')::int) as n from users where email like '%@bench.test')
     insert into team_memberships (organization_id, team_id, user_id, role)
     select $1, t.id, u.id, case when u.n <= ${TEAMS} then 'manager' else 'member' end::"TeamRole" from u join t on t.k = u.n % ${TEAMS}`,
    [org.id],
  );
  await q(`insert into team_budgets (organization_id, team_id, metric, "limit", updated_at) select $1, id, 'sms_sent', 40000, now() from teams where organization_id = $1`, [org.id]);
  // The month's events, in chunks (one statement each), as the ledger holds them after ingestion.
  const CHUNK = 250_000;
  for (let start = 0; start < EVENTS; start += CHUNK) {
    await q(
      `with p as (select array_agg(tm.user_id order by tm.user_id) as users, array_agg(tm.team_id order by tm.user_id) as teams from team_memberships tm where tm.organization_id = $1)
       insert into usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, cost_micros, price_micros, currency, source)
       select $1, gen_random_uuid(), m.metric, 1 + (g % 3), at, at, 'bench-' || g, p.users[1 + (g::bigint * 7919) % ${MEMBERS}], p.teams[1 + (g::bigint * 7919) % ${MEMBERS}],
              'campaign', 'cmp-' || (g % 500), 5600 * (1 + g % 3), 7500 * (1 + g % 3), 'usd', 'api'
         from generate_series($2::int, $3::int) g
         cross join p
         cross join lateral (select (array['sms_sent', 'sms_sent', 'emails_sent', 'ai_queries', 'wa_messages'])[1 + g % 5] as metric,
                                    timestamptz '2026-11-01' + (g::float8 / ${EVENTS}) * interval '27 days 12 hours' as at) m`,
      [org.id, start + 1, Math.min(EVENTS, start + CHUNK)],
    );
  }
  // Counters and rollups from the ledger, grouped as ingestion moves them.
  await q(
    `insert into usage_counters (organization_id, scope, scope_id, metric, period_start, used, reserved, updated_at)
     select organization_id, scope, scope_id, metric, timestamptz '2026-11-01', sum(quantity), 0, now() from (
       select organization_id, 'organization'::"CounterScope" as scope, organization_id as scope_id, metric, quantity from usage_events where organization_id = $1
       union all select organization_id, 'team', team_id, metric, quantity from usage_events where organization_id = $1
       union all select organization_id, 'user', user_id, metric, quantity from usage_events where organization_id = $1) x
     group by organization_id, scope, scope_id, metric`,
    [org.id],
  );
  await q(
    `insert into usage_daily_rollups (organization_id, scope, scope_id, metric, day, quantity, cost_micros, price_micros)
     select organization_id, scope, scope_id, metric, day, sum(quantity), sum(cost_micros), sum(price_micros) from (
       select organization_id, 'organization'::"CounterScope" as scope, organization_id as scope_id, metric, (occurred_at at time zone 'UTC')::date as day, quantity, cost_micros, price_micros from usage_events where organization_id = $1
       union all select organization_id, 'team', team_id, metric, (occurred_at at time zone 'UTC')::date, quantity, cost_micros, price_micros from usage_events where organization_id = $1
       union all select organization_id, 'user', user_id, metric, (occurred_at at time zone 'UTC')::date, quantity, cost_micros, price_micros from usage_events where organization_id = $1) x
     group by organization_id, scope, scope_id, metric, day`,
    [org.id],
  );
  await q('vacuum analyze');
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const [sizes] = (await q(`select (select count(*) from usage_events) as events, (select count(*) from usage_counters) as counters, (select count(*) from usage_daily_rollups) as rollups`)).rows as { events: string; counters: string; rollups: string }[];

  const ownerId = ((await q(`select id from users where email = 'person1@bench.test'`)).rows[0] as { id: string }).id;
  const actor = { organizationId: org.id, userId: ownerId, role: 'owner' as const };
  const managerTeam = ((await q(`select team_id from team_memberships where organization_id = $1 and user_id = $2`, [org.id, ownerId])).rows[0] as { team_id: string }).team_id;

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
  const raw = await time(RUNS, () => pool.query(`select metric, used, reserved from usage_counters where organization_id = $1 and scope = 'organization' and scope_id = $1 and period_start = $2`, [org.id, new Date('2026-11-01T00:00:00Z')]));

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
