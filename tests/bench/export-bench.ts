// Export benchmark against PostgreSQL (DATABASE_URL, default the local server): an organization of
// 10,000 members in 50 teams with 1,000,000 usage events in one month (BENCH_EXPORT_EVENTS). Then
// the organization's events CSV through the export use case (keyset pages → csv-stringify → file),
// with the process's peak RSS sampled while it runs, beside the raw baseline in the same run:
// `COPY (select … the same rows and columns …) TO STDOUT (FORMAT csv)` through pg-copy-streams to a
// file. Then the 50-team organization's PDF report (figures and drawing).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Clock } from '../../server/clock';
import { openDatabase } from '../../server/db/open-database';
import { resolveExportTarget } from '../../server/exports/export-target';
import { renderUsageReportPdf } from '../../server/exports/render-usage-report-pdf';
import { getUsageReportData } from '../../server/exports/usage-report-data';
import { eventsPageSql, writeUsageEventsCsv } from '../../server/exports/write-usage-csv';

const serverUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const MEMBERS = 10_000;
const TEAMS = 50;
const EVENTS = Number(process.env.BENCH_EXPORT_EVENTS ?? 1_000_000);
const clock: Clock = { now: () => new Date('2026-11-28T12:00:00Z') };

function emit(figure: Record<string, unknown>) {
  console.log(JSON.stringify(figure));
}

/** Runs `work` while sampling RSS every 20 ms; returns seconds and the highest RSS seen (MB). */
async function measure(work: () => Promise<unknown>) {
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, peakRssMb: peak / 1024 / 1024 };
}

const dbName = `meterdesk_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
const dir = await mkdtemp(join(tmpdir(), 'meterdesk-export-bench-'));
try {
  const db = await openDatabase({ databaseUrl: url });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => {});
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  const seedStarted = performance.now();
  const org = await db.prisma.organization.create({ data: { slug: 'bench-export', name: 'Export Bench', createdAt: new Date('2026-01-01T00:00:00Z') } });
  await db.prisma.subscription.create({ data: { organizationId: org.id, planKey: 'enterprise' } });
  await q(`insert into teams (organization_id, id, name, updated_at) select $1, gen_random_uuid(), 'Team ' || lpad(g::text, 2, '0'), now() from generate_series(1, ${TEAMS}) g`, [org.id]);
  await q(`insert into users (id, email, name, updated_at) select gen_random_uuid(), 'person' || g || '@bench.test', 'Person ' || g, now() from generate_series(1, ${MEMBERS}) g`);
  await q(`insert into memberships (organization_id, id, user_id, role, updated_at) select $1, gen_random_uuid(), id, case when email = 'person1@bench.test' then 'owner' else 'member' end::"OrgRole", now() from users where email like '%@bench.test'`, [org.id]);
  await q(
    `with t as (select id, row_number() over (order by name) - 1 as k from teams where organization_id = $1),
          u as (select id, (substring(email from 'person(\\d+)@')::int) as n from users where email like '%@bench.test')
     insert into team_memberships (organization_id, team_id, user_id, role)
     select $1, t.id, u.id, case when u.n <= ${TEAMS} then 'manager' else 'member' end::"TeamRole" from u join t on t.k = u.n % ${TEAMS}`,
    [org.id],
  );
  const CHUNK = 250_000;
  for (let start = 0; start < EVENTS; start += CHUNK) {
    await q(
      `with p as (select array_agg(tm.user_id order by tm.user_id) as users, array_agg(tm.team_id order by tm.user_id) as teams from team_memberships tm where tm.organization_id = $1)
       insert into usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source)
       select $1, gen_random_uuid(), m.metric, 1 + (g % 3), at, at, 'bench-' || g, p.users[1 + (g::bigint * 7919) % ${MEMBERS}], p.teams[1 + (g::bigint * 7919) % ${MEMBERS}],
              'campaign', 'cmp-' || (g % 500), jsonb_build_object('country', (array['US', 'DE', 'IN', 'BR'])[1 + g % 4]), 5600 * (1 + g % 3), 7500 * (1 + g % 3), 'usd', 'api'
         from generate_series($2::int, $3::int) g
         cross join p
         cross join lateral (select (array['sms_sent', 'sms_sent', 'emails_sent', 'ai_queries', 'wa_messages'])[1 + g % 5] as metric,
                                    timestamptz '2026-11-01' + (g::float8 / ${EVENTS}) * interval '27 days 12 hours' as at) m`,
      [org.id, start + 1, Math.min(EVENTS, start + CHUNK)],
    );
  }
  await q('vacuum analyze');
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const ownerId = ((await q(`select id from users where email = 'person1@bench.test'`)).rows[0] as { id: string }).id;
  const actor = { organizationId: org.id, userId: ownerId, role: 'owner' as const, name: 'Person 1' };
  const target = await resolveExportTarget(db, actor, { scope: 'organization', period: '2026-11' }, clock.now());

  // The raw baseline: the same rows and columns, COPY'd as CSV by the server itself.
  const baselineSql = eventsPageSql(target, EVENTS + 1)
    .replace(/, e\.occurred_at as k_at/, '')
    .replace('$1', `'${org.id}'::uuid`).replace('$2', `'${target.start.toISOString()}'::timestamptz`).replace('$3', `'${target.end.toISOString()}'::timestamptz`).replace('$4::uuid', `'${org.id}'::uuid`)
    .replace(/\$1/g, `'${org.id}'::uuid`).replace(/\$2/g, `'${target.start.toISOString()}'::timestamptz`).replace(/\$3/g, `'${target.end.toISOString()}'::timestamptz`);
  const copyOnce = async () => {
    const client = await pool.connect();
    try {
      await pipeline(client.query(copyTo(`COPY (${baselineSql}) TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(join(dir, 'baseline.csv')));
    } finally {
      client.release();
    }
  };
  const oursOnce = async () => {
    const out = createWriteStream(join(dir, 'events.csv'));
    const { rows } = await writeUsageEventsCsv(db, target, out);
    out.end();
    await once(out, 'finish');
    return rows;
  };
  const rssAtStart = process.memoryUsage().rss;
  // Warm both (plans, caches), then alternate twice and keep each one's best.
  await copyOnce();
  let rows = 0;
  const baseline: number[] = [];
  const ours: { seconds: number; peakRssMb: number }[] = [];
  for (let i = 0; i < 2; i++) {
    baseline.push((await measure(copyOnce)).seconds);
    ours.push(await measure(async () => (rows = await oursOnce())));
  }
  const b = Math.min(...baseline);
  const rssBeforeMb = rssAtStart / 1024 / 1024;
  const best = ours.reduce((x, y) => (y.seconds < x.seconds ? y : x));
  const peak = Math.max(...ours.map((o) => o.peakRssMb));
  const [oursSize, baseSize] = [(await stat(join(dir, 'events.csv'))).size, (await stat(join(dir, 'baseline.csv'))).size];
  emit({
    figure: 'events_csv',
    events: rows,
    members: MEMBERS,
    teams: TEAMS,
    seed_seconds: +seedSeconds.toFixed(1),
    seconds: +best.seconds.toFixed(2),
    baseline_copy_seconds: +b.toFixed(2),
    throughput_ratio: +(b / best.seconds).toFixed(2),
    peak_rss_mb: +peak.toFixed(0),
    rss_before_mb: +rssBeforeMb.toFixed(0),
    csv_mb: +(oursSize / 1048576).toFixed(1),
    baseline_csv_mb: +(baseSize / 1048576).toFixed(1),
    targets: '≤ 10 s, ratio ≥ 0.5, peak RSS ≤ 256 MB',
  });

  // The PDF of the 50-team organization: the figures (one grouping-sets scan) and the drawing.
  let dataSeconds = 0;
  const pdf = await measure(async () => {
    const t0 = performance.now();
    const data = await getUsageReportData(db, actor, target, clock);
    dataSeconds = (performance.now() - t0) / 1000;
    const out = createWriteStream(join(dir, 'report.pdf'));
    await renderUsageReportPdf(data, out);
  });
  emit({ figure: 'organization_pdf', teams: TEAMS, members: MEMBERS, events: rows, seconds: +pdf.seconds.toFixed(2), figures_seconds: +dataSeconds.toFixed(2), pdf_kb: +((await stat(join(dir, 'report.pdf'))).size / 1024).toFixed(0), peak_rss_mb: +pdf.peakRssMb.toFixed(0), target: '≤ 3 s' });
  await pool.end();
  await db.close();
} finally {
  await rm(dir, { recursive: true, force: true });
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
process.exit(0);
